// Every message the operator reads starts in one of the documented forms (docs/architecture.md, "Errors"):
// "failed to <verb> the <noun>: <cause>", "invalid <field> <value>: <what is allowed>", "REFUSED: <change> would
// <harm>" (a guard that keeps the change from being made), or "cancelled" (the operator stopped it). The test reads
// every UserError and ExternalError built in src/ with TypeScript's parser, so a new message in another form fails
// here. A message passed through from elsewhere (a variable: the relay's own answer, an ACME step's text) is
// checked where it is written.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const FORMS = /^(failed to (\$\{|[a-z])|invalid (\$\{|[^ ])|REFUSED: |cancelled)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** The literal start of a message expression, or undefined for one passed through (an identifier). */
function heads(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text + '${'];
  if (ts.isConditionalExpression(node)) return [...heads(node.whenTrue), ...heads(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return heads(node.expression);
  // `…`.replace(…) and the like: the string it is called on.
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) return heads(node.expression.expression);
  return [];
}

function messages(): Array<{ where: string; head: string }> {
  const out: Array<{ where: string; head: string }> = [];
  for (const file of sources(path.join(ROOT, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && /^(UserError|ExternalError)$/.test(node.expression.getText(sf)) && node.arguments?.[0]) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        for (const head of heads(node.arguments[0])) out.push({ where: `${path.relative(ROOT, file)}:${line}`, head });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

describe('error messages', () => {
  it('every UserError and ExternalError in src/ starts in a documented form', () => {
    const all = messages();
    expect(all.length).toBeGreaterThan(100); // the parser found them (a change that hid them would pass otherwise)
    const off = all.filter((m) => !FORMS.test(m.head)).map((m) => `${m.where}: ${m.head.slice(0, 80)}`);
    expect(off).toEqual([]);
  });

  it('catches a message in another form', () => {
    expect(FORMS.test('the relay did not start')).toBe(false);
    expect(FORMS.test('${file} is not a regular file')).toBe(false);
    expect(FORMS.test('failed to start the relay: it exited at once')).toBe(true);
  });
});
