import { describe, expect, it } from 'vitest';
import { formValues, initialList, listReducer, type ListAction, type ListState } from '../../src/screens/list-screen.js';

const run = (actions: Array<ListAction<string>>, s: ListState<string> = initialList<string>()) => actions.reduce(listReducer<string>, s);

describe('the list-screen reducer', () => {
  it('keeps the cursor inside the rows', () => {
    expect(run([{ type: 'move', delta: 5, count: 3 }]).cursor).toBe(2);
    expect(run([{ type: 'move', delta: -1, count: 3 }]).cursor).toBe(0);
    expect(run([{ type: 'move', delta: 1, count: 0 }]).cursor).toBe(0);
  });

  it('walks a form field by field, back a field with Esc, and closes after the last', () => {
    const s = run([{ type: 'open-form', form: 'add' }, { type: 'field', key: 'port', value: '5000', count: 3 }, { type: 'field', key: 'proto', value: 'tcp', count: 3 }]);
    expect(s.modal).toEqual({ kind: 'form', form: 'add', index: 2, values: { port: '5000', proto: 'tcp' } });
    expect(formValues(s, 'from', '')).toEqual({ port: '5000', proto: 'tcp', from: '' });
    expect(run([{ type: 'form-back' }], s).modal).toMatchObject({ index: 1 });
    expect(run([{ type: 'field', key: 'from', value: '', count: 3 }], s).modal).toEqual({ kind: 'none' });
    expect(run([{ type: 'form-back' }, { type: 'form-back' }, { type: 'form-back' }], s).modal).toEqual({ kind: 'none' });
  });

  it('asks for a confirmation, typed for a destructive change, and closes it', () => {
    expect(run([{ type: 'ask', pending: 'x', typed: true }]).modal).toEqual({ kind: 'typed', pending: 'x' });
    expect(run([{ type: 'ask', pending: 'x' }, { type: 'close' }]).modal).toEqual({ kind: 'none' });
    expect(run([{ type: 'move', delta: 2, count: 5 }, { type: 'filter', text: 'ab' }])).toMatchObject({ cursor: 0, filter: 'ab' });
  });
});
