/** Reported in every FailureReport so the App can tell agent versions apart. */
export const AGENT_VERSION = '0.1.0';
