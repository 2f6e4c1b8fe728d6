import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoTime } from './go-time.ts';
import { GoInt, GoMap, GoStruct } from './go-values.ts';
import { compileSkopeoFormat, isJsonFormat, normalizeFormat } from './skopeo-format.ts';

const data = new GoStruct('inspect.Output', [
  ['Name', 'registry.example/team/app'],
  ['Digest', 'sha256:abc'],
  ['RepoTags', ['v1', 'v2']],
  ['Created', GoTime.parse('2024-01-02T03:04:05.120Z')!],
  [
    'Labels',
    new GoMap(
      [
        ['version', '1.2'],
        ['a', 'b'],
      ],
      '',
    ),
  ],
  ['Layers', ['sha256:1', 'sha256:2']],
  ['Env', []],
  ['Size', new GoInt(42)],
]);
const render = (format: string) => compileSkopeoFormat(format)(data);

test('json formats are recognised like containers/common report.IsJSON', () => {
  for (const f of ['json', ' json ', '{{json .}}', '{{ json . }}', '{{json}}'])
    assert.equal(isJsonFormat(f), true, f);
  for (const f of ['{{json .Labels}}', 'JSON', '{{.Name}}']) assert.equal(isJsonFormat(f), false, f);
});

test('\\n and \\t escapes become newline and tab, a newline is appended, table turns spaces into tabs', () => {
  assert.equal(normalizeFormat('{{.Name}}\\t{{.Digest}}\\n'), '{{.Name}}\t{{.Digest}}\n');
  assert.equal(normalizeFormat('{{.Name}}'), '{{.Name}}\n');
  assert.equal(normalizeFormat('table {{.Name}} {{.Digest}}'), '{{.Name}}\t{{.Digest}}\n');
});

test('fields, maps, slices and Go time print as text/template prints them', () => {
  assert.equal(render('{{.Digest}}'), 'sha256:abc\n');
  assert.equal(render('{{.Created}}'), '2024-01-02 03:04:05.12 +0000 UTC\n');
  assert.equal(render('{{.Labels}}|{{.RepoTags}}|{{.Env}}'), 'map[a:b version:1.2]|[v1 v2]|[]\n');
  assert.equal(
    render('{{index .Labels "version"}}/{{index .Labels "nope"}}/{{.Labels.nope}}'),
    '1.2//<no value>\n',
  );
  assert.equal(render('{{index .RepoTags 1}} {{len .Layers}} {{.Size}}'), 'v2 2 42\n');
});

test('range, if/else, with, variables, pipelines and trim markers', () => {
  assert.equal(render('{{range .RepoTags}}<{{.}}>{{end}}'), '<v1><v2>\n');
  assert.equal(render('{{range $i, $t := .RepoTags}}{{$i}}={{$t}} {{end}}'), '0=v1 1=v2 \n');
  assert.equal(render('{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}'), 'a:b;version:1.2;\n');
  assert.equal(render('{{range .Env}}x{{else}}none{{end}}'), 'none\n');
  assert.equal(render('{{if eq .Name "x"}}a{{else if .RepoTags}}b{{else}}c{{end}}'), 'b\n');
  assert.equal(render('{{with .Labels.version}}v={{.}}{{end}}'), 'v=1.2\n');
  assert.equal(render('{{$n := .Name}}{{$n}}'), 'registry.example/team/app\n');
  assert.equal(render('{{$x := "a"}}{{range .RepoTags}}{{$x = .}}{{end}}{{$x}}'), 'v2\n');
  // The tab inside the string still goes through the tabwriter, as in skopeo.
  assert.equal(render('{{index .Digest 0}} {{"a\tb\x41"}}'), '115 a   bA\n');
  assert.equal(
    render('{{.Name | printf "%s!"}} {{printf "%q %d %v" .Digest (len .RepoTags) .RepoTags}}'),
    'registry.example/team/app! "sha256:abc" 2 [v1 v2]\n',
  );
  assert.equal(render('a  {{- .Digest -}}  b'), 'asha256:abcb\n');
  assert.equal(render('{{/* comment */}}x'), 'x\n');
  assert.equal(render('{{and .Env "y"}} {{or .Env "y"}} {{not .Env}}'), '[] y true\n');
});

test('tabs are aligned like Go text/tabwriter (minwidth 8, padding 2)', () => {
  assert.equal(
    render('{{.Digest}}\\t{{.Name}}\\nx\\ty'),
    'sha256:abc  registry.example/team/app\nx           y\n',
  );
});

test('errors: Go wording for undefined functions and fields; unsupported constructs named', () => {
  assert.throws(() => render('{{json .Labels}}'), /function "json" not defined/);
  assert.throws(() => render('{{.Nope}}'), /can't evaluate field Nope in type inspect.Output/);
  assert.throws(() => render('{{template "x"}}'), /\{\{template\}\} is not supported by ferry/);
  assert.throws(() => render('{{slice .Name 1}}'), /"slice" function is not supported by ferry/);
  assert.throws(() => render('{{printf "%5.2f" .Size}}'), /printf %5.2f .* not supported by ferry/);
  assert.throws(() => render('{{if .Name}}x'), /without \{\{end\}\}/);
  assert.throws(() => render('{{.Name'), /--format: template: /);
  assert.throws(() => render('{{printf "a\\nb"}}'), /unterminated quoted string/);
  assert.throws(() => render('{{index .RepoTags 5}}'), /index out of range: 5/);
});
