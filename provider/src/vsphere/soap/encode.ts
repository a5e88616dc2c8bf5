import { PodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import { allFields, type FieldDef, METHODS, MOREF, SCALARS, TYPES } from "./schema";
import { escapeXml, NS } from "./xml";

export type { ManagedObjectReference } from "./generated/types";

/** A data object; `_type` names its vim25 type when it differs from the declared one. */
export type VimObject = { _type?: string } & { [key: string]: unknown };

/** Builds the SOAP envelope for `method` with `args` in schema order. */
export function encodeRequest(method: string, args: Record<string, unknown>): string {
  const params = METHODS[method]?.params;
  if (!params) throw internal(`no schema for method ${method}`);
  checkKnownKeys(method, params, args);
  const body = params.map((f) => encodeField(f, args[f.name])).join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${NS.soapenv}" xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}">` +
    `<soapenv:Body><${method} xmlns="${NS.vim25}">${body}</${method}></soapenv:Body></soapenv:Envelope>`
  );
}

function encodeField(field: FieldDef, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.array) {
    if (!Array.isArray(value)) throw internal(`${field.name} must be an array`);
    return value.map((v) => encodeValue(field.name, field.type, v)).join("");
  }
  return encodeValue(field.name, field.type, value);
}

function encodeValue(name: string, declared: string, value: unknown): string {
  if (declared === MOREF) {
    const ref = value as { type: string; value: string };
    return `<${name} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${name}>`;
  }
  if (declared === "anyType") return encodeAny(name, value);
  // Scalars and enums (simple types: declared types with no entry in the table).
  if (SCALARS.has(declared) || !TYPES[declared]) return `<${name}>${escapeXml(scalarText(value))}</${name}>`;

  const object = value as VimObject;
  const actual = object._type ?? declared;
  const fieldList = allFields(actual);
  if (!TYPES[actual]) throw internal(`no schema for type ${actual}`);
  checkKnownKeys(actual, fieldList, object);
  const typeAttr = actual === declared ? "" : ` xsi:type="${actual}"`;
  return `<${name}${typeAttr}>${fieldList.map((f) => encodeField(f, object[f.name])).join("")}</${name}>`;
}

/** anyType values (OptionValue.value, …) always carry an explicit xsi:type. */
function encodeAny(name: string, value: unknown): string {
  const xsd =
    typeof value === "boolean"
      ? "xsd:boolean"
      : typeof value === "number"
        ? Number.isInteger(value)
          ? Math.abs(value) <= 0x7fffffff
            ? "xsd:int"
            : "xsd:long"
          : "xsd:double"
        : "xsd:string";
  return `<${name} xsi:type="${xsd}">${escapeXml(scalarText(value))}</${name}>`;
}

function scalarText(value: unknown): string {
  if (value instanceof Secret) return value.reveal();
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function checkKnownKeys(owner: string, fieldList: FieldDef[], object: object): void {
  const known = new Set(fieldList.map((f) => f.name));
  for (const key of Object.keys(object)) {
    if (key !== "_type" && !known.has(key)) throw internal(`${owner} has no field ${key} in the vim25 schema`);
  }
}

function internal(message: string): PodError {
  return new PodError("INTERNAL", `vim25 encoder: ${message}`, {
    fix: "This is a bug in pod (a value that does not fit the vim25 schema); please report it.",
  });
}
