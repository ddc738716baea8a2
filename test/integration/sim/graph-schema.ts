/**
 * Microsoft's published Graph schema (test/fixtures/graph-schema, gzipped copies of msgraph-metadata): property names per entity and complex type for
 * v1.0 and beta, with the property → type map and base types from the v1.0 CSDL.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const GRAPH_SCHEMA_DIR = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'graph-schema');

function readSchemaFile(file: string): string {
  return gunzipSync(readFileSync(path.join(GRAPH_SCHEMA_DIR, `${file}.gz`))).toString('utf8');
}

type PropertyLists = Record<string, { properties: string[] }>;

export interface GraphSchema {
  /** Own and inherited property names of an entity or complex type in a version; undefined if unknown. */
  propertiesOf(version: 'v1.0' | 'beta', typeName: string): Set<string> | undefined;
  /** The complex type a property holds (element type for collections), or undefined for primitives. */
  complexTypeOf(version: 'v1.0' | 'beta', typeName: string, property: string): string | undefined;
}

/** Beta-only complex properties the v1.0 CSDL cannot type. */
const BETA_COMPLEX_PROPERTIES: Record<string, Record<string, string>> = {
  signIn: { authenticationDetails: 'authenticationDetail' },
};

export function loadGraphSchema(): GraphSchema {
  if (!existsSync(GRAPH_SCHEMA_DIR)) throw new Error(`Graph schema not found at ${GRAPH_SCHEMA_DIR}`);
  const read = (file: string): PropertyLists =>
    (JSON.parse(readSchemaFile(file)) as Record<string, PropertyLists>)['microsoft.graph'] ?? {};
  const lists = {
    'v1.0': { ...read('v1.0-complex-types.json'), ...read('v1.0-entity-types.json') },
    beta: { ...read('beta-complex-types.json'), ...read('beta-entity-types.json') },
  };
  const { baseTypes, propertyTypes } = parseCsdl(readSchemaFile('v1.0-metadata.xml'));

  const propertiesOf = (version: 'v1.0' | 'beta', typeName: string): Set<string> | undefined => {
    if (!lists[version][typeName]) return undefined;
    const names = new Set<string>();
    for (let t: string | undefined = typeName; t !== undefined; t = baseTypes.get(t)) {
      for (const name of lists[version][t]?.properties ?? []) names.add(name);
    }
    return names;
  };
  const complexTypeOf = (
    version: 'v1.0' | 'beta',
    typeName: string,
    property: string,
  ): string | undefined => {
    if (version === 'beta') {
      const betaOnly = BETA_COMPLEX_PROPERTIES[typeName]?.[property];
      if (betaOnly) return betaOnly;
    }
    for (let t: string | undefined = typeName; t !== undefined; t = baseTypes.get(t)) {
      const type = propertyTypes.get(`${t}.${property}`);
      if (type) return type.startsWith('Edm.') ? undefined : type;
    }
    return undefined;
  };
  return { propertiesOf, complexTypeOf };
}

/** Base types and property types of the `microsoft.graph` namespace of the CSDL. */
function parseCsdl(xml: string): { baseTypes: Map<string, string>; propertyTypes: Map<string, string> } {
  const start = xml.indexOf('<Schema Namespace="microsoft.graph"');
  const end = xml.indexOf('</Schema>', start);
  const schema = xml.slice(start, end);
  const baseTypes = new Map<string, string>();
  const propertyTypes = new Map<string, string>();
  const typePattern = /<(EntityType|ComplexType) Name="(\w+)"([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g;
  for (const match of schema.matchAll(typePattern)) {
    const name = match[2] ?? '';
    const base = /BaseType="graph\.(\w+)"/.exec(match[3] ?? '')?.[1];
    if (base) baseTypes.set(name, base);
    for (const property of (match[5] ?? '').matchAll(/<Property Name="(\w+)" Type="([^"]+)"/g)) {
      const type = (property[2] ?? '').replace(/^Collection\((.*)\)$/, '$1').replace(/^graph\./, '');
      propertyTypes.set(`${name}.${property[1] ?? ''}`, type);
    }
  }
  return { baseTypes, propertyTypes };
}
