/**
 * Image pull failures. A missing tag is fixed with the tag the repository already uses for the same
 * image elsewhere, only when that choice is clear; credentials and registry names are a human's call.
 * InvalidImageName and ErrImageNeverPull have deterministic fixes.
 */
import type { Diagnosis, DiagnosisContext, Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { formatImage, isFloatingTag, isPlaceholderTag, looksLikeRelease, parseImageReference } from './image-reference.js';
import { asString, failingContainer, liveContainer } from './pod-template.js';
import { imagesOfRepository, pathCloseness, type DeclaredImage } from './repo-facts.js';
import { findLines, messageLines } from './report-text.js';

const AUTH = /unauthorized|authentication required|access denied|denied|may require authorization|\b401\b|\b403\b|forbidden/i;
const NO_SUCH_HOST = /no such host|server misbehaving|name or service not known/i;
const NOT_FOUND = /not found|manifest unknown|NotFound|does not exist/i;
const RATE_LIMIT = /toomanyrequests|rate limit/i;
const PLATFORM = /no match for platform/i;
const NEVER_PULL = /is not present with pull policy of Never/;

/** The image as the repository declares it, else as the pod ran it. */
function failingImage(context: DiagnosisContext): string | null {
  return asString(failingContainer(context)?.container.image) ?? asString(liveContainer(context)?.image);
}

const PULL_FAILURE = /Failed to pull image|Back-off pulling image|Failed to apply default image tag|is not present with pull policy|^Error: (?:ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)/;

/** The kubelet's own lines about the failed pull (not the Normal "Pulling image" chatter). */
function pullLines(context: DiagnosisContext): string[] {
  return findLines(messageLines(context.report), PULL_FAILURE, 3);
}

// ── InvalidImageName ────────────────────────────────────────────────────────────────────

const VALID_REFERENCE = /^[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Lowercases the repository, trims whitespace and drops an empty tag; tags keep their case. */
export function repairImageName(image: string): string {
  const { repository, tag, digest } = parseImageReference(image.trim());
  let repaired = repository.trim().toLowerCase();
  if (tag) repaired += `:${tag.trim()}`;
  if (digest) repaired += `@${digest.trim()}`;
  return repaired;
}

function invalidImageName(context: DiagnosisContext, image: string, container: string): Diagnosis {
  const repaired = repairImageName(image);
  const evidence = pullLines(context);
  if (repaired === image || !VALID_REFERENCE.test(repaired)) {
    return ruleDiagnosis(context, 'image', {
      summary: `${describeContainer(context)} has an invalid image name "${image}"`,
      rootCause: 'The image reference does not parse, and no mechanical repair (lowercase, trim, drop an empty tag) makes it valid.',
      evidence,
      confidence: 35,
      question: `What image should ${container} run? "${image}" is not a valid reference.`,
    });
  }
  return ruleDiagnosis(context, 'image', {
    summary: `${describeContainer(context)} has an invalid image name "${image}"`,
    rootCause: 'Image repositories must be lowercase, without surrounding whitespace or an empty tag; the kubelet refuses the reference before pulling.',
    evidence,
    confidence: 85,
    changes: [{ fixKind: 'image', container, path: ['image'], value: repaired, previous: image }],
    rationale: `"${repaired}" is the same image written as a valid reference.`,
    risks: ['If the registry holds the image under a differently cased name, the pull will still fail with "not found".'],
  });
}

// ── Tag not found ───────────────────────────────────────────────────────────────────────

interface TagCandidate {
  tag: string;
  closeness: number;
  count: number;
  where: string[];
}

/** Tags declared for the same image, closest environment first, release-like before others. */
export function rankTags(declared: DeclaredImage[], failingTag: string | null, nearFile: string | null): TagCandidate[] {
  const byTag = new Map<string, TagCandidate>();
  for (const image of declared) {
    // A placeholder (`CONTAINER_IMAGES_TAG`, `${TAG}`, `{{ .Values.tag }}`) is filled in by CI: it names no build.
    if (!image.tag || image.tag === failingTag || isFloatingTag(image.tag) || isPlaceholderTag(image.tag)) continue;
    const candidate = byTag.get(image.tag) ?? { tag: image.tag, closeness: 0, count: 0, where: [] };
    candidate.closeness = Math.max(candidate.closeness, nearFile ? pathCloseness(image.file, nearFile) : 0);
    candidate.count += 1;
    candidate.where.push(`${image.file} (${image.where})`);
    byTag.set(image.tag, candidate);
  }
  return [...byTag.values()].sort(
    (a, b) =>
      b.closeness - a.closeness ||
      Number(looksLikeRelease(b.tag)) - Number(looksLikeRelease(a.tag)) ||
      b.count - a.count ||
      a.tag.localeCompare(b.tag),
  );
}

async function tagNotFound(context: DiagnosisContext, declaredImage: string, container: string, evidence: string[]): Promise<Diagnosis> {
  // The pod shows the tag that failed; the repository's declaration may lack it (a kustomize base
  // whose tag an overlay sets), so the tag comes from the pod and the repository part from the repo.
  const image = asString(liveContainer(context)?.image) ?? declaredImage;
  const { repository, tag, digest } = parseImageReference(image);
  const declaredRepository = parseImageReference(declaredImage).repository;
  const subject = describeContainer(context);
  const summary = `${subject} cannot pull ${image}: the ${digest ? 'digest' : 'tag'} does not exist`;
  const rootCause = `The registry has no ${digest ? `digest ${digest}` : `tag "${tag ?? 'latest'}"`} for ${repository}; the image was probably never built or pushed under that name.`;
  const ranked = digest ? [] : rankTags(await imagesOfRepository(context.index, repository), tag, failingEnvironmentPath(context));
  const best = ranked[0];
  if (!best) {
    return ruleDiagnosis(context, 'image', {
      summary,
      rootCause,
      evidence,
      confidence: 40,
      question: `Which tag of ${repository} should be deployed? The repository declares no other usable tag for it.`,
      alternatives: ['Roll back to the image of the previous ReplicaSet revision.', 'Push the missing tag from CI.'],
    });
  }
  const others = ranked.slice(1);
  const unambiguous = others.length === 0;
  const clearlyClosest = !unambiguous && best.closeness > (others[0]?.closeness ?? 0);
  const confidence = unambiguous ? (looksLikeRelease(best.tag) ? 85 : 70) : clearlyClosest ? 60 : 45;
  return ruleDiagnosis(context, 'image', {
    summary,
    rootCause,
    evidence,
    confidence,
    changes: [{ fixKind: 'image', container, path: ['image'], value: formatImage(declaredRepository, best.tag), previous: declaredImage }],
    // Where the tag was seen is a fact; that the registry still holds it is not checked.
    rationale: `Tag ${best.tag} of ${repository} is deployed by ${best.where.join('; ')}: a tag the repository already runs was very likely pushed, but KubeCure did not ask the registry.`,
    risks: [`If ${tag ?? 'this tag'} was meant to ship a new version, ${best.tag} rolls that change back until the image is pushed.`],
    alternatives: others.map((other) => `${repository}:${other.tag} (${other.where.join('; ')})`),
    ...(unambiguous ? {} : { question: `Several tags of ${repository} are declared (${ranked.map((c) => c.tag).join(', ')}): which one should run here?` }),
  });
}

/** Where the failing environment lives in the repository: the located file, else the GitOps hints' path. */
function failingEnvironmentPath(context: DiagnosisContext): string | null {
  const hints = context.report.sourceHints;
  const hinted = hints.argocd?.path ?? hints.flux?.path ?? hints.kustomizeOrigin?.path ?? null;
  // A hint names a directory; closeness compares directories of files, so give it a file inside.
  return context.location?.file ?? (hinted ? `${hinted.replace(/^\.?\/|\/$/g, '')}/_` : null);
}

// ── The rule ────────────────────────────────────────────────────────────────────────────

function issue(context: DiagnosisContext, evidence: string[], summary: string, rootCause: string, question: string, confidence = 35): Diagnosis {
  return ruleDiagnosis(context, 'image', { summary, rootCause, evidence, confidence, question });
}

export const imageRule: Rule = {
  id: 'image',
  categories: ['ImagePullBackOff', 'InvalidImageName'],
  async diagnose(context) {
    const { report } = context;
    const container = report.failure.container;
    const image = failingImage(context);
    if (!container || !image) return null;
    const lines = messageLines(report);
    const text = lines.join('\n');
    const evidence = pullLines(context);
    const subject = describeContainer(context);

    if (report.failure.category === 'InvalidImageName' || report.failure.reason === 'InvalidImageName') {
      return invalidImageName(context, image, container);
    }
    if (report.failure.reason === 'ErrImageNeverPull' || NEVER_PULL.test(text)) {
      const policy = asString(failingContainer(context)?.container.imagePullPolicy) ?? 'Never';
      return ruleDiagnosis(context, 'image', {
        summary: `${subject} uses imagePullPolicy Never but ${image} is not on the node`,
        rootCause: 'With imagePullPolicy: Never the kubelet only runs images already present on the node, and this node does not have it.',
        evidence: findLines(lines, NEVER_PULL, 2).concat(evidence),
        confidence: 82,
        changes: [{ fixKind: 'image', container, path: ['imagePullPolicy'], value: 'IfNotPresent', previous: policy }],
        rationale: 'IfNotPresent still uses a node-local image when there is one and pulls it otherwise.',
        risks: ['If the image only exists locally (a kind/minikube load), the pull will fail with a clearer error.'],
      });
    }
    if (NO_SUCH_HOST.test(text)) {
      return issue(
        context,
        findLines(lines, NO_SUCH_HOST, 2).concat(evidence),
        `${subject} cannot pull ${image}: the registry host does not resolve`,
        `DNS lookup of the registry in "${image}" fails, which usually means the registry name is misspelled (or the cluster cannot reach it).`,
        `Is the registry in "${image}" spelled correctly?`,
      );
    }
    if (AUTH.test(text)) {
      return issue(
        context,
        findLines(lines, AUTH, 2).concat(evidence),
        `${subject} is not authorized to pull ${image}`,
        'The registry refused the pull: the image is private (or does not exist, which registries report the same way) and the pod has no working imagePullSecrets for it.',
        'Does the namespace have an image pull secret for this registry, referenced by the pod or its ServiceAccount? KubeCure never creates or guesses credentials.',
      );
    }
    if (RATE_LIMIT.test(text)) {
      return issue(context, evidence, `${subject} hit the registry's pull rate limit`, 'The registry throttled the node; nothing in the manifest is wrong.', 'Use a mirror or authenticated pulls to raise the limit?', 30);
    }
    if (PLATFORM.test(text)) {
      return issue(context, evidence, `${image} has no build for the node's platform`, 'The image manifest lists no variant for this node\'s OS/architecture.', 'Build a multi-arch image, or pin the pod to nodes of a supported architecture with nodeSelector kubernetes.io/arch?');
    }
    if (NOT_FOUND.test(text)) return tagNotFound(context, image, container, findLines(lines, NOT_FOUND, 2).concat(evidence));
    return issue(
      context,
      evidence.length > 0 ? evidence : findLines(lines, /./, 2),
      `${subject} cannot pull ${image}`,
      'The pull failed for a reason the report does not spell out (the kubelet\'s "Failed to pull image" event was not captured).',
      `Does ${image} exist, and can this cluster reach and authenticate to its registry?`,
      25,
    );
  },
};
