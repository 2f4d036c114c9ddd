// Layer indices shared by the allocator and dynacast. A video layer is (spatial 0..2,
// temporal 0..2); it is stored as one index `spatial * 3 + temporal`, so comparing
// indices compares layers in the order the allocator climbs them (all temporal layers of
// a spatial layer before the next spatial layer). -1 means "nothing" (paused / off).

export const MAX_SPATIAL_LAYERS = 3;
export const MAX_TEMPORAL_LAYERS = 3;
export const LAYER_COUNT = MAX_SPATIAL_LAYERS * MAX_TEMPORAL_LAYERS;
/** No layer: the track is paused or off. */
export const NO_LAYER = -1;

export function layerIndex(spatial: number, temporal: number): number {
  return spatial * MAX_TEMPORAL_LAYERS + temporal;
}
export function spatialOf(index: number): number {
  return index < 0 ? -1 : Math.floor(index / MAX_TEMPORAL_LAYERS);
}
export function temporalOf(index: number): number {
  return index < 0 ? -1 : index % MAX_TEMPORAL_LAYERS;
}
