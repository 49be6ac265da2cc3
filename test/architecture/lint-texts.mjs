// Lints source texts as if they sat at the given paths, with the workspace's own ESLint config.
// Reads [{ path, code }] as JSON on stdin; prints [{ path, rules: [ruleId, ...] }] as JSON.
import { ESLint } from 'eslint';
import { typeAwareRules } from '../../eslint.config.mjs';

let input = '';
for await (const chunk of process.stdin) input += chunk;
// The texts are not files of any tsconfig, so they are linted without type information (and without
// the rules that need it): what is tested here is the boundary rules, which read imports only.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: Object.fromEntries(Object.keys(typeAwareRules).map((rule) => [rule, 'off'])),
  },
});
const out = [];
for (const { path, code } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: path });
  out.push({ path, rules: result.messages.map((m) => m.ruleId ?? m.message) });
}
// Plugins may print warnings on stdout: the results follow a marker line.
process.stdout.write(`\n@@results@@\n${JSON.stringify(out)}`);
