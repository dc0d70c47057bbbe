import { CheapestStrategy } from './cheapest.ts';
import { LeastLatencyStrategy } from './least-latency.ts';
import { PriorityStrategy } from './priority.ts';
import { RoundRobinStrategy } from './round-robin.ts';
import type { RoutingStrategy, StrategyName } from './routing-strategy.ts';
import { SmartStrategy } from './smart.ts';
import { WeightedStrategy } from './weighted.ts';

/** A fresh strategy of that name (round-robin keeps its turns in the instance). */
export function createStrategy(name: StrategyName): RoutingStrategy {
  switch (name) {
    case 'priority':
      return new PriorityStrategy();
    case 'round-robin':
      return new RoundRobinStrategy();
    case 'weighted':
      return new WeightedStrategy();
    case 'least-latency':
      return new LeastLatencyStrategy();
    case 'cheapest':
      return new CheapestStrategy();
    case 'smart':
      return new SmartStrategy();
  }
}
