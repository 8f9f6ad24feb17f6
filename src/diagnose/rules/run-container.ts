/**
 * The runtime could not create or start the container (RunContainerError, CreateContainerError,
 * StartError): an entrypoint that does not exist, a mount of a file onto a directory, a bad subPath.
 * These are the manifest's command or mounts, but which value is right is a human's call.
 */
import type { Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { COMMAND_NOT_FOUND, missingCommand } from './log-patterns.js';
import { asArray, asString, failingContainer } from './pod-template.js';
import { findLines, messageLines } from './report-text.js';

const MOUNT = /not a directory|are you trying to mount a directory onto a file|failed to prepare subPath|subPath/i;
const NO_COMMAND = /no command specified/;
const NAME_CONFLICT = /failed to reserve container name|is already in use/;

export const runContainerRule: Rule = {
  id: 'run-container',
  categories: ['RunContainerError', 'CreateContainerError'],
  diagnose(context) {
    const { report } = context;
    const lines = messageLines(report);
    const subject = describeContainer(context);
    const notFound = findLines(lines, COMMAND_NOT_FOUND, 2);
    if (notFound.length > 0) {
      const command = missingCommand(notFound[0]!);
      const declared = failingContainer(context)?.container;
      const declaredCommand = [...asArray(declared?.command), ...asArray(declared?.args)].map(asString).filter(Boolean).join(' ');
      return ruleDiagnosis(context, 'run-container', {
        summary: `${subject} cannot start: ${command ? `"${command}"` : 'its entrypoint'} is not in the image`,
        rootCause: `The runtime could not execute the container's entrypoint${declaredCommand ? ` (${declaredCommand})` : ''}: the command is misspelled, not on $PATH, or the image does not contain it.`,
        evidence: notFound,
        confidence: 50,
        question: `Should the command be corrected, or does the image need to ship "${command ?? 'it'}"?`,
      });
    }
    const mount = findLines(lines, MOUNT, 2);
    if (mount.length > 0) {
      return ruleDiagnosis(context, 'run-container', {
        summary: `${subject} cannot start: a volume mount does not fit the image's filesystem`,
        rootCause: 'A volumeMount places a file where the image has a directory (or the reverse), or its subPath does not exist in the volume.',
        evidence: mount,
        confidence: 45,
        question: 'Which volumeMount (mountPath / subPath) is wrong?',
      });
    }
    const noCommand = findLines(lines, NO_COMMAND, 1);
    if (noCommand.length > 0) {
      return ruleDiagnosis(context, 'run-container', {
        summary: `${subject} has no command: neither the image nor the manifest sets one`,
        rootCause: 'The image declares no ENTRYPOINT/CMD and the container sets no command, so there is nothing to run.',
        evidence: noCommand,
        confidence: 50,
        question: 'What command should the container run?',
      });
    }
    const conflict = findLines(lines, NAME_CONFLICT, 1);
    const evidence = conflict.length > 0 ? conflict : findLines(lines, /./, 2);
    return ruleDiagnosis(context, 'run-container', {
      summary: `${subject} could not be ${report.failure.category === 'CreateContainerError' ? 'created' : 'started'} by the container runtime`,
      rootCause: conflict.length > 0
        ? 'The runtime still holds a container of the same name; this is usually transient on the node, not a manifest problem.'
        : 'The container runtime rejected the container; the message below names the reason.',
      evidence,
      confidence: 30,
      question: 'Does the runtime message point at the manifest (command, mounts) or at the node?',
    });
  },
};
