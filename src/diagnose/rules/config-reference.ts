/**
 * A ConfigMap or Secret (or one of its keys) the pod references does not exist. When the
 * repository declares exactly one object with a near-identical name in that namespace, the
 * reference is a typo and is corrected; otherwise a human decides. Secrets are never created and
 * references are never made `optional`, which would hide the misconfiguration.
 */
import type { Diagnosis, DiagnosisContext, FieldChange, Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { uniqueNearName } from './name-similarity.js';
import { asArray, asRecord, asString, containerNamed, declaredPodSpec, dig, type Json } from './pod-template.js';
import { declaredConfigs, inNamespace, type ConfigKind, type DeclaredConfig } from './repo-facts.js';
import { findLines, messageLines } from './report-text.js';

const MISSING_OBJECT = /\b(configmaps?|secrets?) "([^"]+)" not found/i;
const MISSING_KEY = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/;
const NON_ROOT = /runAsNonRoot/;
/** A volume's `items[].key` names a key the object lacks: "configmap references non-existent config key: app.yaml". */
const MISSING_ITEM_KEY = /for volume "([^"]+)" : (configmap|secret) references non-existent (?:config|secret) key: (\S+)/i;

type Missing = { kind: ConfigKind; name: string; key: string | null; line: string };

function findMissing(lines: string[]): Missing | null {
  for (const line of lines) {
    const key = MISSING_KEY.exec(line);
    if (key) return { kind: key[2] as ConfigKind, name: key[4]!, key: key[1]!, line };
    const object = MISSING_OBJECT.exec(line);
    if (object) return { kind: object[1]!.toLowerCase().startsWith('secret') ? 'Secret' : 'ConfigMap', name: object[2]!, key: null, line };
  }
  return null;
}

/** A place in the pod spec that names the object (and key); `container` null for volumes. */
interface Reference {
  container: string | null;
  namePath: (string | number)[];
  keyPath: (string | number)[] | null;
  key: string | null;
}

function containerReferences(container: Json, kind: ConfigKind, name: string): Reference[] {
  const containerName = String(container.name);
  const keyRef = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const sourceRef = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  const references: Reference[] = [];
  asArray(container.env).forEach((env, i) => {
    const ref = asRecord(dig(env, 'valueFrom', keyRef));
    if (ref?.name !== name) return;
    // Env items are addressed by name, so the edit finds the item in whichever layer declares it.
    const item = asString(asRecord(env)?.name) ?? i;
    references.push({ container: containerName, namePath: ['env', item, 'valueFrom', keyRef, 'name'], keyPath: ['env', item, 'valueFrom', keyRef, 'key'], key: asString(ref.key) });
  });
  asArray(container.envFrom).forEach((source, i) => {
    if (dig(source, sourceRef, 'name') === name) references.push({ container: containerName, namePath: ['envFrom', i, sourceRef, 'name'], keyPath: null, key: null });
  });
  return references;
}

function volumeReferences(podSpec: Json, kind: ConfigKind, name: string): Reference[] {
  const references: Reference[] = [];
  const [field, nameKey] = kind === 'ConfigMap' ? ['configMap', 'name'] : ['secret', 'secretName'];
  asArray(podSpec.volumes).forEach((volume, i) => {
    if (dig(volume, field, nameKey) === name) references.push({ container: null, namePath: ['volumes', i, field, nameKey], keyPath: null, key: null });
    asArray(dig(volume, 'projected', 'sources')).forEach((source, j) => {
      if (dig(source, field, 'name') === name) {
        references.push({ container: null, namePath: ['volumes', i, 'projected', 'sources', j, field, 'name'], keyPath: null, key: null });
      }
    });
  });
  return references;
}

function referencesTo(context: DiagnosisContext, podSpec: Json, missing: Missing): Reference[] {
  const failing = containerNamed(podSpec, context.report.failure.container);
  const fromContainer = failing ? containerReferences(failing, missing.kind, missing.name) : [];
  const fromVolumes = volumeReferences(podSpec, missing.kind, missing.name);
  const all = [...fromContainer, ...fromVolumes];
  return missing.key === null ? all : all.filter((reference) => reference.key === missing.key);
}

function describeDeclared(config: DeclaredConfig): string {
  return `${config.kind} "${config.name}" (${config.via} in ${config.file})`;
}

function missingKey(context: DiagnosisContext, missing: Missing & { key: string }, declared: DeclaredConfig[], references: Reference[]): Diagnosis {
  const subject = describeContainer(context);
  const owner = declared.find((config) => config.kind === missing.kind && config.name === missing.name);
  const summary = `${subject} references key "${missing.key}" that ${missing.kind} ${missing.name} does not have`;
  const keys = owner?.keys ?? null;
  const nearKey = keys ? uniqueNearName(missing.key, keys) : null;
  const keyReferences = references.filter((reference) => reference.keyPath !== null);
  if (!owner || !nearKey || keyReferences.length === 0) {
    return ruleDiagnosis(context, 'config-reference', {
      summary,
      rootCause: owner
        ? `${describeDeclared(owner)} declares ${keys ? `the keys ${keys.join(', ') || '(none)'}` : 'keys the repository cannot show'}, none of them a clear match for "${missing.key}".`
        : `The ${missing.kind} is not declared in this repository, so the key cannot be checked.`,
      evidence: [missing.line],
      confidence: 35,
      question: `Should ${missing.kind} ${missing.name} gain the key "${missing.key}", or should the reference name another key?`,
    });
  }
  return ruleDiagnosis(context, 'config-reference', {
    summary,
    rootCause: `The reference asks for "${missing.key}" but ${describeDeclared(owner)} holds "${nearKey}": a typo in the key name.`,
    evidence: [missing.line],
    confidence: 82,
    changes: keyReferences.map((reference) => ({ fixKind: 'config-reference', container: reference.container, path: reference.keyPath!, value: nearKey, previous: missing.key })),
    rationale: `"${nearKey}" is the only key of ${missing.name} that is near-identical to "${missing.key}".`,
    risks: ['If the key was meant to be added to the object rather than the reference corrected, the app will read the other key\'s value.'],
  });
}

/** The volume's `items[].key` typo, fixed against the keys the repository declares for the object. */
async function missingItemKey(context: DiagnosisContext, line: string, match: RegExpExecArray): Promise<Diagnosis | null> {
  const [, volumeName, kindWord, key] = match as unknown as [string, string, string, string];
  const kind: ConfigKind = kindWord.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
  const [field, nameKey] = kind === 'ConfigMap' ? ['configMap', 'name'] : ['secret', 'secretName'];
  const podSpec = declaredPodSpec(context)?.podSpec ?? null;
  const volumes = asArray(podSpec?.volumes);
  const volumeIndex = volumes.findIndex((volume) => asRecord(volume)?.name === volumeName);
  const objectName = asString(dig(volumes[volumeIndex], field, nameKey));
  const itemIndex = asArray(dig(volumes[volumeIndex], field, 'items')).findIndex((item) => asRecord(item)?.key === key);
  if (volumeIndex < 0 || !objectName || itemIndex < 0) return null;
  const owner = (await declaredConfigs(context.index)).find(
    (config) => config.kind === kind && config.name === objectName && inNamespace(config, context.report.pod.namespace),
  );
  const nearKey = owner?.keys ? uniqueNearName(key, owner.keys) : null;
  const summary = `Volume "${volumeName}" of ${describeContainer(context, null)} mounts key "${key}" that ${kind} ${objectName} does not have`;
  if (!owner || !nearKey) {
    return ruleDiagnosis(context, 'config-reference', {
      summary,
      rootCause: owner ? `${describeDeclared(owner)} has no key near-identical to "${key}".` : `The ${kind} is not declared in this repository, so its keys cannot be checked.`,
      evidence: [line],
      confidence: 35,
      question: `Should ${kind} ${objectName} gain the key "${key}", or should the volume's items name another key?`,
    });
  }
  return ruleDiagnosis(context, 'config-reference', {
    summary,
    rootCause: `The volume asks for "${key}" but ${describeDeclared(owner)} holds "${nearKey}": a typo in the key name.`,
    evidence: [line],
    confidence: 82,
    changes: [{ fixKind: 'config-reference', container: null, path: ['volumes', volumeIndex, field, 'items', itemIndex, 'key'], value: nearKey, previous: key }],
    rationale: `"${nearKey}" is the only key of ${objectName} that is near-identical to "${key}".`,
  });
}

export const configReferenceRule: Rule = {
  id: 'config-reference',
  categories: ['CreateContainerConfigError', 'FailedMount'],
  async diagnose(context) {
    const { report } = context;
    const lines = messageLines(report);
    const subject = describeContainer(context);
    const nonRoot = findLines(lines, NON_ROOT, 2);
    if (nonRoot.length > 0) {
      return ruleDiagnosis(context, 'config-reference', {
        summary: `${subject} requires a non-root user but its image runs as root (or a named user)`,
        rootCause: 'runAsNonRoot is set and the kubelet cannot verify that the image\'s user is non-root, so it refuses to create the container.',
        evidence: nonRoot,
        confidence: 35,
        question: 'Set securityContext.runAsUser to a numeric non-root UID the image supports, or use an image that runs as non-root? KubeCure never changes securityContext itself.',
      });
    }
    const itemLine = findLines(lines, MISSING_ITEM_KEY, 1)[0];
    const itemKey = itemLine ? MISSING_ITEM_KEY.exec(itemLine) : null;
    if (itemLine && itemKey) return missingItemKey(context, itemLine, itemKey);
    const missing = findMissing(lines);
    if (!missing) return null;
    const spec = declaredPodSpec(context);
    const references = spec ? referencesTo(context, spec.podSpec, missing) : [];
    const declared = (await declaredConfigs(context.index)).filter((config) => config.kind === missing.kind && inNamespace(config, report.pod.namespace));
    if (missing.key !== null) return missingKey(context, { ...missing, key: missing.key }, declared, references);

    const summary = `${subject} references ${missing.kind} "${missing.name}", which does not exist in namespace ${report.pod.namespace}`;
    const exact = declared.find((config) => config.name === missing.name);
    if (exact) {
      return ruleDiagnosis(context, 'config-reference', {
        summary,
        rootCause: `The repository declares ${describeDeclared(exact)}, but the cluster does not have it: it was not synced, was applied to another namespace${exact.via === 'SealedSecret' || exact.via === 'ExternalSecret' ? `, or the ${exact.via} controller failed to produce it` : ''}.`,
        evidence: [missing.line],
        confidence: 40,
        question: `Why is ${exact.file} not applied in namespace ${report.pod.namespace}? Check the GitOps sync status.`,
      });
    }
    const nearName = uniqueNearName(missing.name, declared.map((config) => config.name));
    const near = declared.find((config) => config.name === nearName);
    if (!near || references.length === 0) {
      return ruleDiagnosis(context, 'config-reference', {
        summary,
        rootCause: near
          ? `The repository declares ${describeDeclared(near)}, a near-identical name, but the reference could not be found in the declared workload to correct it.`
          : `No ${missing.kind} with this or a near-identical name is declared for this namespace in the repository; it is expected to be created outside Git.`,
        evidence: [missing.line],
        confidence: near ? 45 : 35,
        question: near
          ? `Should the reference to "${missing.name}" be "${near.name}"?`
          : `Who creates ${missing.kind} "${missing.name}" in namespace ${report.pod.namespace}? KubeCure never creates ${missing.kind === 'Secret' ? 'Secrets' : 'them'} or marks references optional.`,
      });
    }
    const changes: FieldChange[] = references.map((reference) => ({
      fixKind: 'config-reference',
      container: reference.container,
      path: reference.namePath,
      value: near.name,
      previous: missing.name,
    }));
    return ruleDiagnosis(context, 'config-reference', {
      summary,
      rootCause: `The pod references "${missing.name}" but the repository declares ${describeDeclared(near)}: a typo in the reference.`,
      evidence: [missing.line],
      confidence: 85,
      changes,
      rationale: `"${near.name}" is the only ${missing.kind} in namespace ${report.pod.namespace} whose name is near-identical to "${missing.name}".`,
      risks: [`If "${missing.name}" is a new ${missing.kind} still to be created, pointing at "${near.name}" gives the app the wrong configuration.`],
    });
  },
};
