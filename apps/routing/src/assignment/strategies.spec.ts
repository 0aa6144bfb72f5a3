import type { Candidate } from './routing-strategy.js';
import { pickBest } from './routing-strategy.js';
import { STRATEGIES } from './strategies.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
function agent(username: string, c: Partial<Candidate> = {}): Candidate {
  return { agentId: `id-${username}`, username, activeChats: 0, routedCount: 0, order: 0, lastRoutedAt: null, ...c };
}
const order = (method: keyof typeof STRATEGIES, cs: Candidate[]) =>
  [...cs].sort(STRATEGIES[method].compare).map((c) => c.username);

describe('Auto_Selection', () => {
  it('prefers the agent with the fewest routed chats', () => {
    expect(order('Auto_Selection', [agent('a', { routedCount: 3 }), agent('b', { routedCount: 1 }), agent('c', { routedCount: 2 })])).toEqual(['b', 'c', 'a']);
  });

  it('breaks ties by department order ascending, then username', () => {
    expect(order('Auto_Selection', [agent('z', { order: 1 }), agent('y', { order: 2 }), agent('x', { order: 2 }), agent('w', { order: 1 })])).toEqual(['w', 'z', 'x', 'y']);
  });

  it('ignores open chats and routing times', () => {
    expect(order('Auto_Selection', [agent('a', { activeChats: 5, lastRoutedAt: at(9) }), agent('b', { activeChats: 0, lastRoutedAt: null, routedCount: 1 })])).toEqual(['a', 'b']);
  });
});

describe('Load_Balancing', () => {
  it('prefers the agent with the fewest open chats now', () => {
    expect(order('Load_Balancing', [agent('a', { activeChats: 2 }), agent('b', { activeChats: 0 }), agent('c', { activeChats: 1 })])).toEqual(['b', 'c', 'a']);
  });

  it('breaks ties by oldest routing time, never routed counting as oldest, then username', () => {
    expect(
      order('Load_Balancing', [agent('d', { lastRoutedAt: at(5) }), agent('c', { lastRoutedAt: at(1) }), agent('b'), agent('a')]),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores the routed total', () => {
    expect(order('Load_Balancing', [agent('a', { routedCount: 100 }), agent('b', { routedCount: 0, activeChats: 1 })])).toEqual(['a', 'b']);
  });
});

describe('Load_Rotation', () => {
  it('picks never-routed agents first, then the one routed longest ago', () => {
    expect(order('Load_Rotation', [agent('a', { lastRoutedAt: at(3) }), agent('b', { lastRoutedAt: at(1) }), agent('c')])).toEqual(['c', 'b', 'a']);
  });

  it('breaks ties by username and ignores load', () => {
    expect(order('Load_Rotation', [agent('b', { activeChats: 0 }), agent('a', { activeChats: 9 })])).toEqual(['a', 'b']);
  });
});

describe('Manual_Selection', () => {
  it('assigns nothing automatically', () => {
    expect(STRATEGIES.Manual_Selection.automatic).toBe(false);
    expect(Object.values(STRATEGIES).filter((s) => s.automatic)).toHaveLength(3);
  });
});

describe('pickBest', () => {
  it('answers the first candidate in the strategy order, or undefined for none', () => {
    expect(pickBest(STRATEGIES.Load_Balancing, [agent('a', { activeChats: 1 }), agent('b')])?.username).toBe('b');
    expect(pickBest(STRATEGIES.Auto_Selection, [])).toBeUndefined();
  });
});
