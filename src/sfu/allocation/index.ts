// src/sfu/allocation: which layers each subscriber gets (StreamAllocator, one per
// subscriber) and which layers each publisher needs to encode (Dynacast, one per
// published video track). Pure cores: they take nowMs and never start timers.
//
//   const alloc = new StreamAllocator();                 // per subscriber
//   alloc.setAudioTrackCount(nAudio);
//   alloc.setTrack(trackId, { priority, maxWidth, maxHeight, layerWidths, layerHeights, bitrates });
//   const r = alloc.allocate(nowMs, estimateBps);         // per estimate update + every ~500 ms
//   for (const e of r.events) ...                          // 'target' -> forwarder layer; 'paused'/'resumed' -> signal
//   dynacastOf(trackId).setWanted(subscriberId, alloc.wantedSpatial(trackId));
//   const q = dynacast.update(nowMs);                      // per ~500 ms tick; non-null -> tell the publisher
export {
  StreamAllocator, defaultStreamAllocatorConfig,
  type StreamAllocatorConfig, type AllocatorTrackSpec, type AllocationState, type TrackAllocation,
  type AllocationEvent, type AllocationResult,
} from './stream-allocator.js';
export { Dynacast, defaultDynacastConfig, type DynacastConfig, type DynacastUpdate } from './dynacast.js';
export { distributeCooperative, lowestLayer, highestLayer, type CooperativeTrack } from './cooperative.js';
export { LAYER_COUNT, MAX_SPATIAL_LAYERS, MAX_TEMPORAL_LAYERS, NO_LAYER, layerIndex, spatialOf, temporalOf } from './layers.js';
export { AllocationConfigError } from './errors.js';
