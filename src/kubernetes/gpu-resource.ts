import type { GpuVendor } from '../core/record';

/** The extended resource each vendor's device plugin advertises on a node. */
const GPU_RESOURCES: Record<GpuVendor, string> = {
  nvidia: 'nvidia.com/gpu',
  amd: 'amd.com/gpu',
  intel: 'gpu.intel.com/i915',
};

export function gpuResourceName(vendor: GpuVendor = 'nvidia'): string {
  return GPU_RESOURCES[vendor];
}
