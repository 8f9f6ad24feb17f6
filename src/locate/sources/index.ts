/** Every source form the locator understands, in one list: add a form by adding its module here. */
import type { SourceModule } from '../candidate.js';
import { fluxHelmReleases } from './flux-helmrelease.js';
import { helmCharts } from './helm-chart.js';
import { kustomizeOverlays } from './kustomize.js';
import { plainManifests } from './plain.js';

export const SOURCE_MODULES: readonly SourceModule[] = [plainManifests, kustomizeOverlays, helmCharts, fluxHelmReleases];
