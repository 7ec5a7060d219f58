// Generated from config.schema.json by extension/scripts/generate-validator.mjs. Do not edit.
"use strict";
export const validate = validate20;
export default validate20;
const schema31 = {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["roles"],"properties":{"$schema":{"type":"string"},"default":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},"roles":{"type":"object","minProperties":1,"maxProperties":100,"propertyNames":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},"additionalProperties":{"$ref":"#/$defs/role"}}},"$defs":{"role":{"type":"object","additionalProperties":false,"required":["RoleArn"],"properties":{"RoleArn":{"type":"string","pattern":"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,576}$"},"RoleSessionName":{"type":"string","pattern":"^(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"},"ExternalId":{"type":"string","pattern":"^[A-Za-z0-9_+=,.@:/-]{2,1224}$"},"SourceIdentity":{"type":"string","pattern":"^(?!aws:)(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"},"generateSourceIdentity":{"type":"boolean"},"DurationSeconds":{"type":"integer","minimum":900,"maximum":43200},"Policy":{"oneOf":[{"type":"object","minProperties":1},{"type":"string","pattern":"\\S"}]},"PolicyArns":{"type":"array","maxItems":10,"items":{"oneOf":[{"$ref":"#/$defs/policyArn"},{"type":"object","additionalProperties":false,"required":["arn"],"properties":{"arn":{"$ref":"#/$defs/policyArn"}}}]}},"Tags":{"oneOf":[{"type":"object","maxProperties":50,"propertyNames":{"$ref":"#/$defs/tagKey"},"additionalProperties":{"$ref":"#/$defs/tagValue"}},{"type":"array","maxItems":50,"items":{"type":"object","additionalProperties":false,"required":["Key","Value"],"properties":{"Key":{"$ref":"#/$defs/tagKey"},"Value":{"$ref":"#/$defs/tagValue"}}}}]},"TransitiveTagKeys":{"type":"array","maxItems":50,"items":{"$ref":"#/$defs/tagKey"}},"source":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},"region":{"type":"string","pattern":"^[a-z]{2}(-[a-z]+)+-[0-9]+$"},"refreshBeforeExpirySeconds":{"type":"integer","minimum":60,"maximum":21600}}},"policyArn":{"type":"string","pattern":"^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$"},"tagKey":{"type":"string","pattern":"^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"},"tagValue":{"type":"string","pattern":"^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$"}}};
const pattern4 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", "u");
const schema32 = {"type":"object","additionalProperties":false,"required":["RoleArn"],"properties":{"RoleArn":{"type":"string","pattern":"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,576}$"},"RoleSessionName":{"type":"string","pattern":"^(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"},"ExternalId":{"type":"string","pattern":"^[A-Za-z0-9_+=,.@:/-]{2,1224}$"},"SourceIdentity":{"type":"string","pattern":"^(?!aws:)(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"},"generateSourceIdentity":{"type":"boolean"},"DurationSeconds":{"type":"integer","minimum":900,"maximum":43200},"Policy":{"oneOf":[{"type":"object","minProperties":1},{"type":"string","pattern":"\\S"}]},"PolicyArns":{"type":"array","maxItems":10,"items":{"oneOf":[{"$ref":"#/$defs/policyArn"},{"type":"object","additionalProperties":false,"required":["arn"],"properties":{"arn":{"$ref":"#/$defs/policyArn"}}}]}},"Tags":{"oneOf":[{"type":"object","maxProperties":50,"propertyNames":{"$ref":"#/$defs/tagKey"},"additionalProperties":{"$ref":"#/$defs/tagValue"}},{"type":"array","maxItems":50,"items":{"type":"object","additionalProperties":false,"required":["Key","Value"],"properties":{"Key":{"$ref":"#/$defs/tagKey"},"Value":{"$ref":"#/$defs/tagValue"}}}}]},"TransitiveTagKeys":{"type":"array","maxItems":50,"items":{"$ref":"#/$defs/tagKey"}},"source":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},"region":{"type":"string","pattern":"^[a-z]{2}(-[a-z]+)+-[0-9]+$"},"refreshBeforeExpirySeconds":{"type":"integer","minimum":60,"maximum":21600}}};
const schema33 = {"type":"string","pattern":"^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$"};
const schema35 = {"type":"string","pattern":"^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"};
const schema36 = {"type":"string","pattern":"^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$"};
const func1 = Object.prototype.hasOwnProperty;
const pattern6 = new RegExp("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,576}$", "u");
const pattern7 = new RegExp("^(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$", "u");
const pattern8 = new RegExp("^[A-Za-z0-9_+=,.@:/-]{2,1224}$", "u");
const pattern9 = new RegExp("^(?!aws:)(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$", "u");
const pattern10 = new RegExp("\\S", "u");
const pattern11 = new RegExp("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$", "u");
const pattern13 = new RegExp("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$", "u");
const pattern14 = new RegExp("^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$", "u");
const pattern19 = new RegExp("^[a-z]{2}(-[a-z]+)+-[0-9]+$", "u");

function validate21(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate21.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.RoleArn === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "RoleArn"},message:"must have required property '"+"RoleArn"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema32.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.RoleArn !== undefined){
let data0 = data.RoleArn;
if(typeof data0 === "string"){
if(!pattern6.test(data0)){
const err2 = {instancePath:instancePath+"/RoleArn",schemaPath:"#/properties/RoleArn/pattern",keyword:"pattern",params:{pattern: "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,576}$"},message:"must match pattern \""+"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,576}$"+"\""};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/RoleArn",schemaPath:"#/properties/RoleArn/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.RoleSessionName !== undefined){
let data1 = data.RoleSessionName;
if(typeof data1 === "string"){
if(!pattern7.test(data1)){
const err4 = {instancePath:instancePath+"/RoleSessionName",schemaPath:"#/properties/RoleSessionName/pattern",keyword:"pattern",params:{pattern: "^(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"},message:"must match pattern \""+"^(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"+"\""};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/RoleSessionName",schemaPath:"#/properties/RoleSessionName/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.ExternalId !== undefined){
let data2 = data.ExternalId;
if(typeof data2 === "string"){
if(!pattern8.test(data2)){
const err6 = {instancePath:instancePath+"/ExternalId",schemaPath:"#/properties/ExternalId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_+=,.@:/-]{2,1224}$"},message:"must match pattern \""+"^[A-Za-z0-9_+=,.@:/-]{2,1224}$"+"\""};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/ExternalId",schemaPath:"#/properties/ExternalId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.SourceIdentity !== undefined){
let data3 = data.SourceIdentity;
if(typeof data3 === "string"){
if(!pattern9.test(data3)){
const err8 = {instancePath:instancePath+"/SourceIdentity",schemaPath:"#/properties/SourceIdentity/pattern",keyword:"pattern",params:{pattern: "^(?!aws:)(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"},message:"must match pattern \""+"^(?!aws:)(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$"+"\""};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/SourceIdentity",schemaPath:"#/properties/SourceIdentity/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.generateSourceIdentity !== undefined){
if(typeof data.generateSourceIdentity !== "boolean"){
const err10 = {instancePath:instancePath+"/generateSourceIdentity",schemaPath:"#/properties/generateSourceIdentity/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.DurationSeconds !== undefined){
let data5 = data.DurationSeconds;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err11 = {instancePath:instancePath+"/DurationSeconds",schemaPath:"#/properties/DurationSeconds/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 43200 || isNaN(data5)){
const err12 = {instancePath:instancePath+"/DurationSeconds",schemaPath:"#/properties/DurationSeconds/maximum",keyword:"maximum",params:{comparison: "<=", limit: 43200},message:"must be <= 43200"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data5 < 900 || isNaN(data5)){
const err13 = {instancePath:instancePath+"/DurationSeconds",schemaPath:"#/properties/DurationSeconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 900},message:"must be >= 900"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
if(data.Policy !== undefined){
let data6 = data.Policy;
const _errs15 = errors;
let valid1 = false;
let passing0 = null;
const _errs16 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(Object.keys(data6).length < 1){
const err14 = {instancePath:instancePath+"/Policy",schemaPath:"#/properties/Policy/oneOf/0/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/Policy",schemaPath:"#/properties/Policy/oneOf/0/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
var _valid0 = _errs16 === errors;
if(_valid0){
valid1 = true;
passing0 = 0;
}
const _errs18 = errors;
if(typeof data6 === "string"){
if(!pattern10.test(data6)){
const err16 = {instancePath:instancePath+"/Policy",schemaPath:"#/properties/Policy/oneOf/1/pattern",keyword:"pattern",params:{pattern: "\\S"},message:"must match pattern \""+"\\S"+"\""};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/Policy",schemaPath:"#/properties/Policy/oneOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
var _valid0 = _errs18 === errors;
if(_valid0 && valid1){
valid1 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid1 = true;
passing0 = 1;
}
}
if(!valid1){
const err18 = {instancePath:instancePath+"/Policy",schemaPath:"#/properties/Policy/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
else {
errors = _errs15;
if(vErrors !== null){
if(_errs15){
vErrors.length = _errs15;
}
else {
vErrors = null;
}
}
}
}
if(data.PolicyArns !== undefined){
let data7 = data.PolicyArns;
if(Array.isArray(data7)){
if(data7.length > 10){
const err19 = {instancePath:instancePath+"/PolicyArns",schemaPath:"#/properties/PolicyArns/maxItems",keyword:"maxItems",params:{limit: 10},message:"must NOT have more than 10 items"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
const len0 = data7.length;
for(let i0=0; i0<len0; i0++){
let data8 = data7[i0];
const _errs23 = errors;
let valid4 = false;
let passing1 = null;
const _errs24 = errors;
if(typeof data8 === "string"){
if(!pattern11.test(data8)){
const err20 = {instancePath:instancePath+"/PolicyArns/" + i0,schemaPath:"#/$defs/policyArn/pattern",keyword:"pattern",params:{pattern: "^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$"},message:"must match pattern \""+"^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$"+"\""};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/PolicyArns/" + i0,schemaPath:"#/$defs/policyArn/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
var _valid1 = _errs24 === errors;
if(_valid1){
valid4 = true;
passing1 = 0;
}
const _errs27 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.arn === undefined){
const err22 = {instancePath:instancePath+"/PolicyArns/" + i0,schemaPath:"#/properties/PolicyArns/items/oneOf/1/required",keyword:"required",params:{missingProperty: "arn"},message:"must have required property '"+"arn"+"'"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
for(const key1 in data8){
if(!(key1 === "arn")){
const err23 = {instancePath:instancePath+"/PolicyArns/" + i0,schemaPath:"#/properties/PolicyArns/items/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data8.arn !== undefined){
let data9 = data8.arn;
if(typeof data9 === "string"){
if(!pattern11.test(data9)){
const err24 = {instancePath:instancePath+"/PolicyArns/" + i0+"/arn",schemaPath:"#/$defs/policyArn/pattern",keyword:"pattern",params:{pattern: "^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$"},message:"must match pattern \""+"^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$"+"\""};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/PolicyArns/" + i0+"/arn",schemaPath:"#/$defs/policyArn/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
}
else {
const err26 = {instancePath:instancePath+"/PolicyArns/" + i0,schemaPath:"#/properties/PolicyArns/items/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
var _valid1 = _errs27 === errors;
if(_valid1 && valid4){
valid4 = false;
passing1 = [passing1, 1];
}
else {
if(_valid1){
valid4 = true;
passing1 = 1;
}
}
if(!valid4){
const err27 = {instancePath:instancePath+"/PolicyArns/" + i0,schemaPath:"#/properties/PolicyArns/items/oneOf",keyword:"oneOf",params:{passingSchemas: passing1},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
else {
errors = _errs23;
if(vErrors !== null){
if(_errs23){
vErrors.length = _errs23;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err28 = {instancePath:instancePath+"/PolicyArns",schemaPath:"#/properties/PolicyArns/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data.Tags !== undefined){
let data10 = data.Tags;
const _errs34 = errors;
let valid8 = false;
let passing2 = null;
const _errs35 = errors;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
if(Object.keys(data10).length > 50){
const err29 = {instancePath:instancePath+"/Tags",schemaPath:"#/properties/Tags/oneOf/0/maxProperties",keyword:"maxProperties",params:{limit: 50},message:"must NOT have more than 50 properties"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
for(const key2 in data10){
const _errs37 = errors;
if(typeof key2 === "string"){
if(!pattern13.test(key2)){
const err30 = {instancePath:instancePath+"/Tags",schemaPath:"#/$defs/tagKey/pattern",keyword:"pattern",params:{pattern: "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"},message:"must match pattern \""+"^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"+"\"",propertyName:key2};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
else {
const err31 = {instancePath:instancePath+"/Tags",schemaPath:"#/$defs/tagKey/type",keyword:"type",params:{type: "string"},message:"must be string",propertyName:key2};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
var valid9 = _errs37 === errors;
if(!valid9){
const err32 = {instancePath:instancePath+"/Tags",schemaPath:"#/properties/Tags/oneOf/0/propertyNames",keyword:"propertyNames",params:{propertyName: key2},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
for(const key3 in data10){
let data11 = data10[key3];
if(typeof data11 === "string"){
if(!pattern14.test(data11)){
const err33 = {instancePath:instancePath+"/Tags/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/tagValue/pattern",keyword:"pattern",params:{pattern: "^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$"},message:"must match pattern \""+"^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$"+"\""};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
else {
const err34 = {instancePath:instancePath+"/Tags/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/tagValue/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
else {
const err35 = {instancePath:instancePath+"/Tags",schemaPath:"#/properties/Tags/oneOf/0/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
var _valid2 = _errs35 === errors;
if(_valid2){
valid8 = true;
passing2 = 0;
}
const _errs44 = errors;
if(Array.isArray(data10)){
if(data10.length > 50){
const err36 = {instancePath:instancePath+"/Tags",schemaPath:"#/properties/Tags/oneOf/1/maxItems",keyword:"maxItems",params:{limit: 50},message:"must NOT have more than 50 items"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
const len1 = data10.length;
for(let i1=0; i1<len1; i1++){
let data12 = data10[i1];
if(data12 && typeof data12 == "object" && !Array.isArray(data12)){
if(data12.Key === undefined){
const err37 = {instancePath:instancePath+"/Tags/" + i1,schemaPath:"#/properties/Tags/oneOf/1/items/required",keyword:"required",params:{missingProperty: "Key"},message:"must have required property '"+"Key"+"'"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(data12.Value === undefined){
const err38 = {instancePath:instancePath+"/Tags/" + i1,schemaPath:"#/properties/Tags/oneOf/1/items/required",keyword:"required",params:{missingProperty: "Value"},message:"must have required property '"+"Value"+"'"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
for(const key4 in data12){
if(!((key4 === "Key") || (key4 === "Value"))){
const err39 = {instancePath:instancePath+"/Tags/" + i1,schemaPath:"#/properties/Tags/oneOf/1/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data12.Key !== undefined){
let data13 = data12.Key;
if(typeof data13 === "string"){
if(!pattern13.test(data13)){
const err40 = {instancePath:instancePath+"/Tags/" + i1+"/Key",schemaPath:"#/$defs/tagKey/pattern",keyword:"pattern",params:{pattern: "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"},message:"must match pattern \""+"^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"+"\""};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
else {
const err41 = {instancePath:instancePath+"/Tags/" + i1+"/Key",schemaPath:"#/$defs/tagKey/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data12.Value !== undefined){
let data14 = data12.Value;
if(typeof data14 === "string"){
if(!pattern14.test(data14)){
const err42 = {instancePath:instancePath+"/Tags/" + i1+"/Value",schemaPath:"#/$defs/tagValue/pattern",keyword:"pattern",params:{pattern: "^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$"},message:"must match pattern \""+"^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$"+"\""};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
else {
const err43 = {instancePath:instancePath+"/Tags/" + i1+"/Value",schemaPath:"#/$defs/tagValue/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
else {
const err44 = {instancePath:instancePath+"/Tags/" + i1,schemaPath:"#/properties/Tags/oneOf/1/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
}
else {
const err45 = {instancePath:instancePath+"/Tags",schemaPath:"#/properties/Tags/oneOf/1/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
var _valid2 = _errs44 === errors;
if(_valid2 && valid8){
valid8 = false;
passing2 = [passing2, 1];
}
else {
if(_valid2){
valid8 = true;
passing2 = 1;
}
}
if(!valid8){
const err46 = {instancePath:instancePath+"/Tags",schemaPath:"#/properties/Tags/oneOf",keyword:"oneOf",params:{passingSchemas: passing2},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
else {
errors = _errs34;
if(vErrors !== null){
if(_errs34){
vErrors.length = _errs34;
}
else {
vErrors = null;
}
}
}
}
if(data.TransitiveTagKeys !== undefined){
let data15 = data.TransitiveTagKeys;
if(Array.isArray(data15)){
if(data15.length > 50){
const err47 = {instancePath:instancePath+"/TransitiveTagKeys",schemaPath:"#/properties/TransitiveTagKeys/maxItems",keyword:"maxItems",params:{limit: 50},message:"must NOT have more than 50 items"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
const len2 = data15.length;
for(let i2=0; i2<len2; i2++){
let data16 = data15[i2];
if(typeof data16 === "string"){
if(!pattern13.test(data16)){
const err48 = {instancePath:instancePath+"/TransitiveTagKeys/" + i2,schemaPath:"#/$defs/tagKey/pattern",keyword:"pattern",params:{pattern: "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"},message:"must match pattern \""+"^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$"+"\""};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/TransitiveTagKeys/" + i2,schemaPath:"#/$defs/tagKey/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
}
else {
const err50 = {instancePath:instancePath+"/TransitiveTagKeys",schemaPath:"#/properties/TransitiveTagKeys/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data.source !== undefined){
let data17 = data.source;
if(typeof data17 === "string"){
if(!pattern4.test(data17)){
const err51 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
else {
const err52 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data.region !== undefined){
let data18 = data.region;
if(typeof data18 === "string"){
if(!pattern19.test(data18)){
const err53 = {instancePath:instancePath+"/region",schemaPath:"#/properties/region/pattern",keyword:"pattern",params:{pattern: "^[a-z]{2}(-[a-z]+)+-[0-9]+$"},message:"must match pattern \""+"^[a-z]{2}(-[a-z]+)+-[0-9]+$"+"\""};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
else {
const err54 = {instancePath:instancePath+"/region",schemaPath:"#/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
if(data.refreshBeforeExpirySeconds !== undefined){
let data19 = data.refreshBeforeExpirySeconds;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err55 = {instancePath:instancePath+"/refreshBeforeExpirySeconds",schemaPath:"#/properties/refreshBeforeExpirySeconds/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 > 21600 || isNaN(data19)){
const err56 = {instancePath:instancePath+"/refreshBeforeExpirySeconds",schemaPath:"#/properties/refreshBeforeExpirySeconds/maximum",keyword:"maximum",params:{comparison: "<=", limit: 21600},message:"must be <= 21600"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if(data19 < 60 || isNaN(data19)){
const err57 = {instancePath:instancePath+"/refreshBeforeExpirySeconds",schemaPath:"#/properties/refreshBeforeExpirySeconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 60},message:"must be >= 60"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
}
}
else {
const err58 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
validate21.errors = vErrors;
return errors === 0;
}
validate21.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate20(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate20.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.roles === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "roles"},message:"must have required property '"+"roles"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((key0 === "$schema") || (key0 === "default")) || (key0 === "roles"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.$schema !== undefined){
if(typeof data.$schema !== "string"){
const err2 = {instancePath:instancePath+"/$schema",schemaPath:"#/properties/%24schema/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.default !== undefined){
let data1 = data.default;
if(typeof data1 === "string"){
if(!pattern4.test(data1)){
const err3 = {instancePath:instancePath+"/default",schemaPath:"#/properties/default/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/default",schemaPath:"#/properties/default/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.roles !== undefined){
let data2 = data.roles;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(Object.keys(data2).length > 100){
const err5 = {instancePath:instancePath+"/roles",schemaPath:"#/properties/roles/maxProperties",keyword:"maxProperties",params:{limit: 100},message:"must NOT have more than 100 properties"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(Object.keys(data2).length < 1){
const err6 = {instancePath:instancePath+"/roles",schemaPath:"#/properties/roles/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
for(const key1 in data2){
const _errs8 = errors;
if(typeof key1 === "string"){
if(!pattern4.test(key1)){
const err7 = {instancePath:instancePath+"/roles",schemaPath:"#/properties/roles/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"+"\"",propertyName:key1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
var valid1 = _errs8 === errors;
if(!valid1){
const err8 = {instancePath:instancePath+"/roles",schemaPath:"#/properties/roles/propertyNames",keyword:"propertyNames",params:{propertyName: key1},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
for(const key2 in data2){
if(!(validate21(data2[key2], {instancePath:instancePath+"/roles/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data2,parentDataProperty:key2,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
errors = vErrors.length;
}
}
}
else {
const err9 = {instancePath:instancePath+"/roles",schemaPath:"#/properties/roles/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
validate20.errors = vErrors;
return errors === 0;
}
validate20.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const schemaKeys = {"top":["default","roles"],"role":["RoleArn","RoleSessionName","ExternalId","SourceIdentity","generateSourceIdentity","DurationSeconds","Policy","PolicyArns","Tags","TransitiveTagKeys","source","region","refreshBeforeExpirySeconds"]};
