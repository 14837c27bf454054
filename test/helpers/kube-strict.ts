import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { K8sObject } from './kube';

/** kubernetes-models' interface for each kind: generated from the official OpenAPI schema. */
const TYPES: Record<string, [string, string]> = {
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'],
};

/**
 * Parsed declaration files (TypeScript's lib, kubernetes-models) kept across
 * checks in one test file: they never change, and parsing them again was half
 * of every check's cost. Only the generated objects file is read fresh.
 */
const declarations = new Map<string, ts.SourceFile | undefined>();

function cachingHost(options: ts.CompilerOptions, fresh: string): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    if (fileName === fresh) return read(fileName, language, onError, shouldCreate);
    if (!declarations.has(fileName)) declarations.set(fileName, read(fileName, language, onError, shouldCreate));
    return declarations.get(fileName);
  };
  return host;
}

/**
 * Fields the official schema does not know. kubernetes-models' validate() lets
 * unknown fields through (the API server would drop them, or refuse them under
 * `kubectl --validate=strict`); TypeScript's excess-property check on an object
 * literal typed with the schema's interface catches every one of them, at any depth.
 */
export function unknownFields(objects: K8sObject[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-strict-'));
  try {
    const lines: string[] = [];
    const imports = new Set<string>();
    objects.forEach((o, i) => {
      const type = TYPES[`${o.apiVersion}/${o.kind}`];
      if (!type) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
      imports.add(`import type { ${type[1]} } from '${type[0]}';`);
      lines.push(`export const o${i}: ${type[1]} = ${JSON.stringify(o)};`);
    });
    const file = path.join(dir, 'objects.ts');
    fs.writeFileSync(file, `${[...imports].join('\n')}\n${lines.join('\n')}\n`);
    const options: ts.CompilerOptions = {
      strict: true, noEmit: true, skipLibCheck: true, moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022, types: [], baseUrl: path.resolve(__dirname, '../..'),
      paths: { '*': [path.resolve(__dirname, '../../node_modules/*')] },
    };
    const program = ts.createProgram([file], options, cachingHost(options, file));
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const which = at ? objects[at.line - imports.size] : undefined;
      return `${which ? `${which.kind} ${which.metadata?.name}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
