/**
 * The slice of Kubernetes objects that classification and report building read. Full
 * `V1Pod`/`CoreV1Event` objects satisfy these shapes, and so does the agent's slim projection,
 * so one classifier serves `kubectl get -o json` and the live watch alike.
 */

export interface OwnerReferenceLike {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ContainerStateLike {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string | Date };
  terminated?: { reason?: string; message?: string; exitCode?: number; signal?: number; finishedAt?: string | Date };
}

export interface ContainerStatusLike {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
}

export interface PodConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
}

export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReferenceLike[];
    creationTimestamp?: string | Date;
    resourceVersion?: string;
  };
  /** The agent's slim projection omits the spec; the CLI has the full one. */
  spec?: Record<string, unknown> & { nodeName?: string; restartPolicy?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: PodConditionLike[];
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
  };
}

export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string };
  firstTimestamp?: string | Date | null;
  lastTimestamp?: string | Date | null;
  eventTime?: string | Date | null;
  series?: { lastObservedTime?: string | Date; count?: number } | null;
  metadata?: { creationTimestamp?: string | Date; name?: string; namespace?: string };
}
