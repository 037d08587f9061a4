// The one order of command kinds: every kind in exactly one stage, dependencies only on earlier
// work that exists, and plans listed stage by stage.
import type { CommandKind } from '../../../reconciler/plan/commands';
import { COMMAND_STAGES, inPlanOrder, stageOf } from '../../../reconciler/plan/commands';

// A Record forces every kind of the Command union to be named here.
const KINDS: Record<CommandKind, true> = {
  CreateTopic: true,
  IncreasePartitions: true,
  AlterTopicConfig: true,
  CreateAcl: true,
  DeleteAcl: true,
  RegisterSchema: true,
  SetSubjectCompatibility: true,
  DeleteTopic: true,
};

describe('command stages', () => {
  it('name every command kind exactly once', () => {
    const listed = COMMAND_STAGES.flatMap((s) => s.kinds);
    expect([...listed].sort()).toEqual(Object.keys(KINDS).sort());
  });

  it('depend on known kinds without cycles', () => {
    const visiting = new Set<number>();
    const visit = (i: number): void => {
      if (visiting.has(i)) throw new Error(`cycle through stage ${i}`);
      visiting.add(i);
      for (const k of COMMAND_STAGES[i]?.after ?? []) visit(stageOf(k));
      visiting.delete(i);
    };
    COMMAND_STAGES.forEach((_, i) => visit(i));
    for (const s of COMMAND_STAGES) for (const k of s.after) expect(KINDS[k]).toBe(true);
  });

  it('orders commands stage by stage and keeps the order within a stage', () => {
    const cs = [
      { kind: 'DeleteTopic', n: 1 },
      { kind: 'SetSubjectCompatibility', n: 2 },
      { kind: 'CreateAcl', n: 3 },
      { kind: 'RegisterSchema', n: 4 },
      { kind: 'CreateTopic', n: 5 },
      { kind: 'DeleteAcl', n: 6 },
    ] as const;
    expect(inPlanOrder(cs).map((c) => c.n)).toEqual([5, 3, 6, 2, 4, 1]);
  });
});
