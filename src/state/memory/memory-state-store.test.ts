import { describeStateStoreConformance } from '../state-store-conformance.ts';
import { MemoryCounterStore } from './memory-counter-store.ts';
import { MemoryKeyValueStore } from './memory-key-value-store.ts';

describeStateStoreConformance('memory', async () => ({
  keyValue: new MemoryKeyValueStore(),
  counters: new MemoryCounterStore(),
}));
