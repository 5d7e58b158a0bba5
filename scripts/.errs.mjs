import ts from 'typescript';
import fs from 'fs';
import {execSync} from 'child_process';
const files = execSync("find src -name '*.ts' -o -name '*.tsx'").toString().trim().split('\n');
let n=0, bad=[];
for (const f of files){
  const sf = ts.createSourceFile(f, fs.readFileSync(f,'utf8'), ts.ScriptTarget.Latest, true);
  const visit=(node)=>{
    if (ts.isNewExpression(node) && /^(UserError|ExternalError)$/.test(node.expression.getText())){
      n++;
      const a=node.arguments?.[0];
      let head = a ? (ts.isStringLiteral(a)||ts.isNoSubstitutionTemplateLiteral(a) ? a.text : ts.isTemplateExpression(a) ? a.head.text + '${' : '<'+a.getText().slice(0,40)+'>') : '';
      if (!/^(failed to |invalid |refusing to )/.test(head)) bad.push(`${f}:${sf.getLineAndCharacterOfPosition(node.getStart()).line+1}  ${node.expression.getText()}  ${a? a.getText().slice(0,110):''}`);
    }
    ts.forEachChild(node,visit);
  };
  visit(sf);
}
console.log(n, bad.length); console.log(bad.join('\n'));
