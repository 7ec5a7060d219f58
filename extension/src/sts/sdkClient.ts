/**
 * The AWS SDK side of AssumeRole: the SDK's STS client and its default credential chain. Only for base
 * credentials that are not keys in the environment (assumerChoice.ts), which Lambda always provides;
 * the build makes it a bundle of its own (chunks/sdkClient.cjs), so nobody else loads or parses it.
 */
export { defaultProvider } from "@aws-sdk/credential-provider-node";
export { createSdkStsAssumer } from "./sdkStsAssumer.js";
