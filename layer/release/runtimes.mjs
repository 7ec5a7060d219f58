// CompatibleRuntimes of each published layer. Lambda uses the list only to filter layers in the
// console and in ListLayers; a function on another runtime can still attach the layer by ARN.
// At most 15 per layer version (PublishLayerVersion's limit). Runtimes not deprecated as of
// December 2026; nodejs20.x is left out (deprecated 30 April 2026, and the AWS SDK for JavaScript
// needs Node 22 from January 2027).

/** Any runtime the exec wrapper or a bootstrap can use: the layer brings its own node. */
const WITH_OWN_NODE = [
  "nodejs24.x",
  "nodejs22.x",
  "python3.14",
  "python3.13",
  "python3.12",
  "python3.11",
  "java25",
  "java21",
  "java17",
  "java11",
  "dotnet10",
  "dotnet8",
  "ruby3.4",
  "ruby3.3",
  "provided.al2023",
];

/** The nodejs zip has no node of its own: the runtime's must be recent enough. */
const NODEJS = ["nodejs24.x", "nodejs22.x"];

/** What each variant is published with: its layer name suffix, architectures and runtimes. */
export const PUBLISHED = {
  x86_64: { architectures: ["x86_64"], runtimes: WITH_OWN_NODE },
  arm64: { architectures: ["arm64"], runtimes: WITH_OWN_NODE },
  nodejs: { architectures: ["x86_64", "arm64"], runtimes: NODEJS },
};
