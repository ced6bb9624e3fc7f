"""Checks the Harness YAML examples (yaml-examples/) and the plugin description (plugin.yml,
docs/plugin.md, Dockerfile) against the binary. Run by tests/yaml/run, which starts the test git
server and exports:

  REFMIRROR    the binary              RM_ROOT      the repository's root
  RM_FIXTURES  webhook bodies, one folder per provider (tests/fixtures/webhooks)
  SRC_URL      a source repository with one commit on main and master
  DST_URL      an empty target repository
  TEST_TOKEN, TEST_USER   the server's credentials
  RUN_DIR      a scratch directory

What it checks:
  - every YAML file parses; every document is one pipeline, inputSet or trigger;
  - every setting of every Plugin step running the refmirror image (and of the Drone example in
    plugin.yml) is a setting the binary reads: the list is taken from settings_table in
    plugin/settings.c, where a setting `source_url` is read as PLUGIN_SOURCE_URL and
    PLUGIN_SOURCEURL, so a key is valid when "PLUGIN_" + the key upper-cased is one of those;
  - references hold: pipeline variables used are declared, input sets and triggers name existing
    pipelines and input sets, steps' output variables name a refmirror step and an output the
    binary writes, the image tag is the binary's version;
  - Harness expressions only use paths Harness can evaluate: a JEXL reserved word (such as `new`)
    after a dot must be written in brackets (['new']);
  - then it replays each pipeline the way Harness would run it: by hand with each input set, and
    through each trigger. A custom webhook trigger is replayed with every real webhook body of its
    tags.source_provider (from RM_FIXTURES), with the event header the provider sends with it: its
    payload and header conditions are evaluated, and where they hold, its inputYaml expressions are resolved against the body. The Plugin step's settings are
    then resolved (URLs and user names replaced by the test server's, secrets by TEST_TOKEN, dry
    run forced on) and the binary runs with them as PLUGIN_* variables: it must exit 0 and write
    MIRROR_RESULT, and for a trigger that maps the ref itself, MIRROR_REFERENCE must be the full
    ref name the body names;
  - a custom webhook trigger fires on none of its provider's events that are not pushes
    (tests/fixtures/webhooks-not-push: a ping, a pull request, ...), by its conditions;
  - Run steps that read MIRROR_RESULT fail on out_of_sync and pass on unchanged;
  - plugin.yml lists exactly the binary's settings, in the drone-plugin-index format;
    docs/plugin.md names every setting and output.

Prints "ok - ..." / "not ok - ..." per check, "ok - ... # SKIP ..." for checks that cannot run
yet, and ends with "N passed, N failed[, N skipped]". Exits 1 when a check failed.
"""

import copy
import glob
import json
import os
import re
import subprocess
import sys

import yaml

ROOT = os.environ["RM_ROOT"]
REFMIRROR = os.environ["REFMIRROR"]
FIXTURES = os.environ["RM_FIXTURES"]
NOT_PUSH_FIXTURES = os.path.join(ROOT, "tests", "fixtures", "webhooks-not-push")
SRC_URL = os.environ["SRC_URL"]
DST_URL = os.environ["DST_URL"]
TEST_TOKEN = os.environ["TEST_TOKEN"]
TEST_USER = os.environ["TEST_USER"]
RUN_DIR = os.environ["RUN_DIR"]
EXAMPLES = os.path.join(ROOT, "yaml-examples")

# Keywords of JEXL, the expression language behind Harness expressions: after a dot they break the
# expression, so a payload field with one of these names must be written ['name'].
JEXL_RESERVED = {"or", "and", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "not", "null",
                 "true", "false", "new", "var", "return", "function", "size", "empty"}
# Fixture folders (shared/fixtures/webhooks) for each tags.source_provider of a trigger.
PROVIDER_FIXTURES = {
    "harness-code": ["harness"],
    "github": ["github"],
    "gitlab": ["gitlab"],
    "gitea": ["gitea", "gogs"],
    "bitbucket-cloud": ["bitbucket"],
    "bitbucket-data-center": ["bitbucket-server"],
    "azure-devops": ["azure"],
}
# Values the test gives a runtime input that nothing else set, as a person running the pipeline
# by hand would.
MANUAL_INPUTS = {"reference": "refs/heads/main"}
OK_RESULTS = {"created", "fast_forward", "forced", "deleted", "unchanged", "skipped"}


# ---- reporting ---------------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def check(self, name, problems, detail=None):
        """problems: a list of reasons (empty = ok)."""
        if problems:
            self.failed += 1
            print(mask(f"not ok - {name}: {'; '.join(problems[:3])}"))
            for line in (detail or "").splitlines()[-40:]:
                print(mask(f"#   {line}"))
        else:
            self.passed += 1
            print(f"ok - {name}")
        sys.stdout.flush()

    def skip(self, name, why):
        self.skipped += 1
        print(f"ok - {name} # SKIP {why}")

    def summary(self):
        line = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            line += f", {self.skipped} skipped"
        print(line)


def mask(text):
    return text.replace(TEST_TOKEN, "***")


R = Report()


# ---- what the binary reads, from its own source ------------------------------------------------

def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


# The image the README tells the user to build (docker build -t NAME:TAG .), without its tag.
IMAGE = (re.search(r"docker build -t ([^\s:]+):\S+ \.", read("README.md")) or [None, None])[1]


def settings_table():
    """[(snake_name, required)] from settings_table in plugin/settings.c."""
    src = read("plugin/settings.c")
    m = re.search(r"settings_table\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        return []
    return [(name, req == "true") for name, req in
            re.findall(r'\{\s*"([a-z_]+)"\s*,\s*\w+\s*,\s*offsetof\([^)]*\)\s*,\s*(true|false)\s*\}',
                       m.group(1))]


SETTINGS = settings_table()
SETTING_NAMES = [n for n, _ in SETTINGS]
OUTPUT_KEYS = set()
for _path in glob.glob(os.path.join(ROOT, "plugin", "*.c")):
    with open(_path, encoding="utf-8") as _f:
        OUTPUT_KEYS |= set(re.findall(r'"(MIRROR_[A-Z_]+)"', _f.read()))
VERSION = (re.search(r'#define\s+RM_VERSION\s+"([^"]+)"', read("include/version.h")) or [None, None])[1]
# Until some part of the binary other than the payload reader itself calls it, payload-form runs
# cannot pass; they are skipped then, and run for real as soon as one does.
PAYLOAD_WIRED = any("rm_payload_parse(" in read(os.path.relpath(p, ROOT))
                    for p in glob.glob(os.path.join(ROOT, "plugin", "*.c"))
                    if os.path.basename(p) != "payload.c")


def setting_of(key):
    """The setting a Plugin step setting `key` feeds (PLUGIN_ + KEY upper-cased), or None."""
    k = str(key).upper()
    for name in SETTING_NAMES:
        if k == name.upper() or k == name.upper().replace("_", ""):
            return name
    return None


# ---- Harness expressions -----------------------------------------------------------------------

EXPR = re.compile(r"<\+([^<>]*)>")
PATH_TOKEN = re.compile(r"""\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]""")


class ExprError(Exception):
    pass


def parse_path(path):
    """'.a.b[0]['new'].c' -> ['a', 'b', 0, 'new', 'c']; a dotted JEXL keyword is an error."""
    out, pos = [], 0
    while pos < len(path):
        m = PATH_TOKEN.match(path, pos)
        if not m:
            raise ExprError(f"cannot parse the path {path!r} at {path[pos:]!r}")
        dotted, index, sq, dq = m.groups()
        if dotted is not None:
            if dotted in JEXL_RESERVED:
                raise ExprError(f"`.{dotted}` is a JEXL reserved word: write ['{dotted}']")
            out.append(dotted)
        elif index is not None:
            out.append(int(index))
        else:
            out.append(sq if sq is not None else dq)
        pos = m.end()
    return out


def walk(obj, path):
    for p in path:
        if isinstance(p, int):
            obj = obj[p] if isinstance(obj, list) and p < len(obj) else None
        else:
            obj = obj.get(p) if isinstance(obj, dict) else None
        if obj is None:
            return None
    return obj


def as_text(v):
    """A value as Harness renders it into a string."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


class Context:
    """What expressions resolve against in one run."""

    def __init__(self, variables=None, body=None, raw=None, headers=None):
        self.variables = variables or {}  # name -> {"type", "value"}
        self.body = body
        self.raw = raw
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.secrets = []

    def resolve(self, expr):
        expr = expr.strip()
        m = re.fullmatch(r'secrets\.getValue\(\s*"([^"]+)"\s*\)', expr)
        if m:
            self.secrets.append(m.group(1))
            return TEST_TOKEN
        m = re.fullmatch(r"pipeline\.variables\.([A-Za-z_]\w*)", expr)
        if m:
            var = self.variables.get(m.group(1))
            if var is None:
                raise ExprError(f"pipeline variable {m.group(1)} is not declared")
            if var["type"] == "Secret":
                if not re.fullmatch(r"((account|org)\.)?[A-Za-z_][\w-]*", str(var["value"])):
                    raise ExprError(f"Secret variable {m.group(1)} holds {var['value']!r}, "
                                    "not a secret identifier")
                self.secrets.append(var["value"])
                return TEST_TOKEN
            return var["value"]
        m = re.fullmatch(r"trigger\.header\[\s*'([^']+)'\s*\]", expr)
        if m:
            if self.raw is None:
                raise ExprError(f"<+{expr}> outside a webhook trigger")
            return self.headers.get(m.group(1).lower())  # HTTP header names: any case
        if expr == "trigger.eventPayload":
            if self.raw is None:
                raise ExprError("<+trigger.eventPayload> outside a webhook trigger")
            return self.raw
        if expr == "trigger.payload" or expr.startswith("trigger.payload.") or \
                expr.startswith("trigger.payload["):
            if self.body is None:
                raise ExprError(f"<+{expr}> outside a webhook trigger")
            rest = expr[len("trigger.payload"):]
            return self.body if not rest else walk(self.body, parse_path(rest))
        raise ExprError(f"the test does not know how to evaluate <+{expr}>")

    def render(self, value):
        """A setting's or variable's value with its expressions resolved, as text."""
        if not isinstance(value, str):
            return as_text(value)
        whole = EXPR.fullmatch(value)
        if whole:
            return as_text(self.resolve(whole.group(1)))
        return EXPR.sub(lambda m: as_text(self.resolve(m.group(1))), value)


def check_expression_paths(text):
    """Reasons why expressions in `text` would not evaluate in Harness (reserved words)."""
    problems = []
    for m in EXPR.finditer(text):
        e = m.group(1).strip()
        if e.startswith("trigger.payload"):
            try:
                parse_path(e[len("trigger.payload"):])
            except ExprError as err:
                problems.append(f"<+{e}>: {err}")
    return problems


# ---- loading the examples ----------------------------------------------------------------------

def find_steps(node):
    """Every step (the dict under a `step:` key) below node, in order."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "step" and isinstance(v, dict):
                yield v
            else:
                yield from find_steps(v)
    elif isinstance(node, list):
        for item in node:
            yield from find_steps(item)


def is_ours(step):
    return step.get("type") == "Plugin" and \
        str((step.get("spec") or {}).get("image", "")).split(":")[0] == IMAGE


pipelines = {}   # identifier -> (file, pipeline dict)
input_sets = {}  # (pipeline identifier, identifier) -> (file, inputSet dict); Harness scopes
                 # an input set's identifier to its pipeline
triggers = []    # (file, trigger dict)


def load_examples():
    files = sorted(glob.glob(os.path.join(EXAMPLES, "*.yaml")) + glob.glob(os.path.join(EXAMPLES, "*.yml")))
    R.check("yaml-examples/ holds YAML files", [] if files else ["none found"])
    for path in files:
        name = os.path.basename(path)
        problems = []
        try:
            with open(path, encoding="utf-8") as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as err:
            R.check(f"{name} is valid YAML", [str(err).replace("\n", " ")])
            continue
        for d in docs:
            if not isinstance(d, dict) or len(d) != 1 or next(iter(d)) not in ("pipeline", "inputSet", "trigger"):
                problems.append("a document is not exactly one pipeline, inputSet or trigger")
                continue
            kind, body = next(iter(d.items()))
            ident = (body or {}).get("identifier")
            if not ident:
                problems.append(f"a {kind} has no identifier")
                continue
            if kind == "pipeline":
                if ident in pipelines:
                    problems.append(f"pipeline {ident} defined twice")
                pipelines[ident] = (name, body)
            elif kind == "inputSet":
                key = ((body.get("pipeline") or {}).get("identifier"), ident)
                if key in input_sets:
                    problems.append(f"input set {ident} of {key[0]} defined twice")
                input_sets[key] = (name, body)
            else:
                triggers.append((name, body))
            if kind == "trigger" and "inputYaml" in body:
                try:
                    yaml.safe_load(body["inputYaml"])
                except yaml.YAMLError as err:
                    problems.append(f"trigger {ident}: inputYaml is not YAML: {err}")
        if not docs:
            problems.append("no document")
        R.check(f"{name} is valid YAML ({len(docs)} documents)", problems)


def declared_variables(pipeline):
    return {v["name"]: {"type": v.get("type", "String"), "value": v.get("value"),
                        "required": bool(v.get("required"))}
            for v in pipeline.get("variables") or []}


# ---- static checks -----------------------------------------------------------------------------

def check_settings_keys(where, settings):
    problems, seen = [], {}
    if not isinstance(settings, dict) or not settings:
        return ["no settings"]
    for key in settings:
        name = setting_of(key)
        if name is None:
            problems.append(f"`{key}` is not a setting refmirror reads (PLUGIN_{str(key).upper()})")
        elif name in seen:
            problems.append(f"`{key}` and `{seen[name]}` both set {name}")
        else:
            seen[name] = key
    for name, required in SETTINGS:
        if required and name not in seen:
            problems.append(f"required setting {name} missing")
    if "reference" not in seen and "payload" not in seen:
        problems.append("neither reference nor payload is set")
    return problems


def check_pipeline_static(ident, file, pipeline):
    steps = list(find_steps(pipeline.get("stages")))
    ours = [s for s in steps if is_ours(s)]
    variables = declared_variables(pipeline)
    text = yaml.safe_dump(pipeline)
    R.check(f"{file}: pipeline {ident} has a refmirror Plugin step",
            [] if ours else [f"no Plugin step with image {IMAGE}"])
    for s in ours:
        problems = check_settings_keys(s, (s.get("spec") or {}).get("settings"))
        tag = str(s["spec"]["image"]).partition(":")[2]
        if tag != VERSION:
            problems.append(f"image tag {tag!r} is not the binary's version {VERSION!r}")
        R.check(f"{file}: step {s.get('identifier')} settings are all read by refmirror", problems)
    used = set(re.findall(r"<\+pipeline\.variables\.([A-Za-z_]\w*)>", text))
    undeclared = sorted(used - set(variables))
    R.check(f"{file}: pipeline variables used are declared",
            [f"{v} is used but not declared" for v in undeclared])
    R.check(f"{file}: payload expressions evaluate in Harness", check_expression_paths(text))
    # Output variables named by later steps.
    problems = []
    ids = {s.get("identifier"): s for s in steps}
    for sid, key in re.findall(r"<\+(?:execution\.)?steps\.([A-Za-z_]\w*)\.output\.outputVariables\.(\w+)>", text):
        if sid not in ids or not is_ours(ids[sid]):
            problems.append(f"steps.{sid} is not a refmirror step of this pipeline")
        if key not in OUTPUT_KEYS:
            problems.append(f"{key} is not an output refmirror writes ({', '.join(sorted(OUTPUT_KEYS))})")
    if problems or "outputVariables" in text:
        R.check(f"{file}: output variables read are refmirror's", problems)


def check_input_set(ident, file, iset):
    problems = []
    pid = (iset.get("pipeline") or {}).get("identifier")
    if pid not in pipelines:
        problems.append(f"pipeline {pid} not found")
    else:
        declared = declared_variables(pipelines[pid][1])
        for v in (iset["pipeline"].get("variables") or []):
            d = declared.get(v.get("name"))
            if d is None:
                problems.append(f"variable {v.get('name')} is not a variable of {pid}")
            elif d["type"] != v.get("type", "String"):
                problems.append(f"variable {v['name']} is {v.get('type')} here, {d['type']} in {pid}")
            elif not str(d["value"]).startswith("<+input>"):
                problems.append(f"variable {v['name']} is not a runtime input of {pid}")
    R.check(f"{file}: input set {ident} fits its pipeline", problems)


def check_two_way():
    """Input sets of one pipeline where one's source is the other's target must be mirror images."""
    sets = [(i, {v["name"]: v.get("value") for v in (s["pipeline"].get("variables") or [])}, p)
            for (p, i), (_, s) in input_sets.items()]
    for a, va, pa in sets:
        for b, vb, pb in sets:
            if a < b and pa == pb and va.get("sourceURL") and va.get("sourceURL") == vb.get("targetURL"):
                problems = [f"{x} of {a} is not {y} of {b}" for x, y in
                            (("sourceURL", "targetURL"), ("targetURL", "sourceURL"),
                             ("sourceToken", "targetToken"), ("targetToken", "sourceToken"),
                             ("sourceUsername", "targetUsername"), ("targetUsername", "sourceUsername"))
                            if va.get(x) != vb.get(y)]
                R.check(f"input sets {a} and {b} are the same pair, swapped", problems)


# ---- running the binary ------------------------------------------------------------------------

RUNS = []  # (log path, outputs path) of every run, for the token scan
_run_n = [0]


def run_binary(env_settings):
    """Runs the binary with PLUGIN_* variables; returns (exit code, outputs dict, log text)."""
    _run_n[0] += 1
    d = os.path.join(RUN_DIR, "runs", f"{_run_n[0]:03d}")
    os.makedirs(os.path.join(d, "tmp"))
    out = os.path.join(d, "outputs.env")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.path.join(RUN_DIR, "home"),
           "TMPDIR": os.path.join(d, "tmp"), "DRONE_OUTPUT": out}
    env.update(env_settings)
    try:
        p = subprocess.run([REFMIRROR], env=env, cwd=d, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        code, log = p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        code, log = 124, "(killed after 120 s)"
    with open(os.path.join(d, "log"), "w", encoding="utf-8") as f:
        f.write(log)
    RUNS.append((os.path.join(d, "log"), out))
    outputs = {}
    if os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                outputs[k] = v
    return code, outputs, log


def plugin_env(settings, ctx):
    """PLUGIN_* variables for a step's settings in this run, with the test server in place of the
    real repositories. Returns (env, resolved settings by setting name, problems)."""
    env, resolved, problems = {}, {}, []
    for key, raw in settings.items():
        name = setting_of(key)
        try:
            value = ctx.render(raw)
        except ExprError as err:
            problems.append(f"{key}: {err}")
            continue
        if name in ("source_url", "target_url"):
            if not re.match(r"https?://[^\s/]+/\S+$", value):
                problems.append(f"{key} resolves to {value!r}, not an http(s) clone URL")
            value = SRC_URL if name == "source_url" else DST_URL
        elif name in ("source_token", "target_token"):
            if value != TEST_TOKEN:
                problems.append(f"{key} does not come from a Harness secret")
        elif name in ("source_username", "target_username"):
            if not value or value == "null":
                problems.append(f"{key} resolves to {value!r}")
            value = TEST_USER
        elif name == "dry_run":
            value = "true"
        resolved[name] = value
        if value != "":
            env["PLUGIN_" + str(key).upper()] = value
    if "dry_run" not in resolved:
        env["PLUGIN_DRY_RUN"] = "true"
    return env, resolved, problems


def runtime_variables(pipeline, input_set_ids, trigger_yaml, ctx_factory):
    """The pipeline's variables for one run: declared values, then input sets, then the trigger's
    inputYaml (resolved against the trigger), then what a person would type for the rest."""
    pid = pipeline["identifier"]
    variables = declared_variables(pipeline)
    problems = []
    for iid in input_set_ids:
        for v in (input_sets[(pid, iid)][1]["pipeline"].get("variables") or []):
            if v.get("name") in variables:
                variables[v["name"]]["value"] = v.get("value")
    if trigger_yaml:
        tctx = ctx_factory(variables)
        for v in ((trigger_yaml.get("pipeline") or {}).get("variables") or []):
            if v.get("name") not in variables:
                problems.append(f"inputYaml sets {v.get('name')}, not a variable of the pipeline")
                continue
            try:
                variables[v["name"]]["value"] = tctx.render(v.get("value"))
            except ExprError as err:
                problems.append(f"inputYaml {v['name']}: {err}")
    for name, var in variables.items():
        value = var["value"]
        if isinstance(value, str) and value.startswith("<+input>"):
            m = re.search(r"\.default\(([^)]*)\)", value)
            if m:
                var["value"] = m.group(1)
            elif name in MANUAL_INPUTS:
                var["value"] = MANUAL_INPUTS[name]
            elif var["required"]:
                problems.append(f"required runtime input {name} has no value")
            else:
                var["value"] = ""
        elif value is None:
            var["value"] = ""
        else:
            var["value"] = as_text(value) if not isinstance(value, str) else value
    return variables, problems


def run_scenario(title, pipeline, variables, ctx, explicit_check=None, pre_problems=()):
    """Runs each refmirror step of the pipeline once with these variables."""
    for step in [s for s in find_steps(pipeline.get("stages")) if is_ours(s)]:
        name = f"{title}: step {step.get('identifier')}"
        env, resolved, problems = plugin_env(step["spec"]["settings"], ctx)
        problems = list(pre_problems) + problems
        ref = resolved.get("reference", "")
        payload_run = not ref and resolved.get("payload", "") not in ("", "null")
        if explicit_check and ref:
            problems += explicit_check(resolved)
        if problems:
            R.check(name, problems)
            continue
        if payload_run and not PAYLOAD_WIRED:
            R.skip(name, "the binary does not read payloads yet")
            continue
        code, outputs, log = run_binary(env)
        result = outputs.get("MIRROR_RESULT")
        if code != 0:
            problems.append(f"exit {code}")
        if result not in OK_RESULTS:
            problems.append(f"MIRROR_RESULT {result!r}")
        if ref and outputs.get("MIRROR_REFERENCE") != ref:
            problems.append(f"MIRROR_REFERENCE {outputs.get('MIRROR_REFERENCE')!r}, want {ref!r}")
        label = f"{name} -> {result}" if not problems else name
        R.check(label + (f" ({ref})" if ref and not problems else ""), problems, log)


def explicit_checker(raw):
    """For a trigger that maps the ref itself: the ref must be a full name the body names, and the
    old SHA, when there is one, a SHA the body holds."""
    def check(resolved):
        problems = []
        ref = resolved.get("reference", "")
        short = re.sub(r"^refs/(heads|tags)/", "", ref)
        if not ref.startswith("refs/"):
            problems.append(f"reference resolves to {ref!r}, not a full ref name")
        elif f'"{ref}"' not in raw and f'"{short}"' not in raw:
            problems.append(f"reference resolves to {ref!r}, which the body does not name")
        old = resolved.get("reference_sha_old", "")
        if old not in ("", "null"):
            if not re.fullmatch(r"[0-9a-f]{40}", old):
                problems.append(f"referenceShaOld resolves to {old!r}")
            elif old != "0" * 40 and old not in raw:
                problems.append(f"referenceShaOld resolves to {old}, which the body does not hold")
        return problems
    return check


def check_run_steps(file, pipeline):
    """A Run step that reads MIRROR_RESULT must fail on out_of_sync and pass on unchanged."""
    for step in find_steps(pipeline.get("stages")):
        if step.get("type") != "Run":
            continue
        command = str((step.get("spec") or {}).get("command", ""))
        if "MIRROR_RESULT" not in command:
            continue
        variables = {n: v["value"] for n, v in declared_variables(pipeline).items()}
        problems = []
        for result, want_ok in (("unchanged", True), ("out_of_sync", False),
                                ("not_fast_forward", False), ("", False)):
            outputs = {"MIRROR_RESULT": result, "MIRROR_REFERENCE": "refs/heads/main"}

            def sub(m, outputs=outputs):
                e = m.group(1)
                mm = re.fullmatch(r"(?:execution\.)?steps\.\w+\.output\.outputVariables\.(\w+)", e)
                if mm:
                    return outputs.get(mm.group(1), "")
                mm = re.fullmatch(r"pipeline\.variables\.(\w+)", e)
                if mm:  # a runtime input as a manual run without a dry run gives it
                    v = str(variables.get(mm.group(1), ""))
                    return "false" if v.startswith("<+input>") else v
                return ""
            script = EXPR.sub(sub, command)
            p = subprocess.run(["sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=30)
            if (p.returncode == 0) != want_ok:
                problems.append(f"with MIRROR_RESULT={result!r} it exits {p.returncode}")
        R.check(f"{file}: step {step.get('identifier')} fails on out_of_sync and passes on unchanged",
                problems)


def event_headers(folder, name, body):
    """The header by which the provider of fixture folder/name names its event, as it sends it
    with that body (the fixtures hold bodies only). Azure DevOps and Harness Code name the event
    in the body (eventType, trigger)."""
    if folder in ("github", "gitea", "gogs"):
        event = ("push" if name.startswith("push") else "ping" if name.startswith("ping") else
                 "pull_request" if name.startswith("pull_request") else
                 "create" if name.endswith("_create.json") else "delete")
        # Gitea and Forgejo send X-Gogs-Event and X-GitHub-Event besides their own; Gogs its own.
        names = {"github": ["X-GitHub-Event"], "gogs": ["X-Gogs-Event"],
                 "gitea": ["X-Gitea-Event", "X-Gogs-Event", "X-GitHub-Event"]}[folder]
        return {n: event for n in names}
    if folder == "gitlab":
        kinds = {"push": "Push Hook", "tag_push": "Tag Push Hook",
                 "merge_request": "Merge Request Hook"}
        return {"X-Gitlab-Event": kinds[body["object_kind"]]}
    if folder == "bitbucket":
        return {"X-Event-Key": "repo:push" if name.startswith("push") else "pullrequest:created"}
    if folder == "bitbucket-server":
        keys = {"diagnostics_ping.json": "diagnostics:ping", "pr_opened.json": "pr:opened"}
        return {"X-Event-Key": keys.get(name, "repo:refs_changed")}
    return {}


def read_fixture_folders(top, provider):
    """[(label, raw text, parsed body, headers)] of the folders of `provider` under `top`."""
    out = []
    for folder in PROVIDER_FIXTURES.get(provider, []):
        for path in sorted(glob.glob(os.path.join(top, folder, "*.json"))):
            with open(path, encoding="utf-8") as f:
                raw = f.read()
            body = json.loads(raw)
            name = os.path.basename(path)
            out.append((f"{folder}/{name}", raw, body, event_headers(folder, name, body)))
    return out


def load_fixtures(provider):
    """[(label, raw text, parsed body, headers)] for a trigger's provider, plus bodies derived here
    where the collection lacks a case a trigger exists for."""
    out = read_fixture_folders(FIXTURES, provider)
    if provider == "bitbucket-cloud":
        for label, raw, body, headers in list(out):
            if label.endswith("/push.json"):
                # A tag moved: the collection only has a tag deletion (new: null).
                tag = copy.deepcopy(body)
                change = tag["push"]["changes"][0]
                for side in ("new", "old"):
                    change[side]["type"], change[side]["name"] = "tag", "v1.0"
                text = json.dumps(tag, indent=2)
                out.append((label.replace("push.json", "push_tag_update.json (derived)"), text, tag,
                            headers))
    return out


def condition_holds(cond, ctx):
    key = ctx.render(cond.get("key"))
    value, op = str(cond.get("value")), cond.get("operator")
    if op == "Equals":
        return key == value
    if op == "NotEquals":
        return key != value
    if op == "StartsWith":
        return key.startswith(value)
    if op == "EndsWith":
        return key.endswith(value)
    if op == "Contains":
        return value in key
    if op in ("In", "NotIn"):
        inside = key in [x.strip() for x in value.split(",")]
        return inside if op == "In" else not inside
    if op == "Regex":
        return re.search(value, key) is not None
    raise ExprError(f"unknown condition operator {op}")


def conditions_hold(spec, ctx):
    """Whether a custom trigger's payload and header conditions all hold (Harness ANDs them)."""
    return all(condition_holds(c, ctx) for c in
               (spec.get("payloadConditions") or []) + (spec.get("headerConditions") or []))


def replay_trigger(file, trig):
    ident = trig.get("identifier")
    pid = trig.get("pipelineIdentifier")
    problems = []
    if pid not in pipelines:
        R.check(f"{file}: trigger {ident} names an existing pipeline", [f"pipeline {pid} not found"])
        return
    pipeline = pipelines[pid][1]
    refs = trig.get("inputSetRefs") or []
    for iid in refs:
        if (pid, iid) not in input_sets:
            problems.append(f"input set {iid} of pipeline {pid} not found")
    try:
        input_yaml = yaml.safe_load(trig.get("inputYaml") or "") or {}
    except yaml.YAMLError as err:
        input_yaml = {}
        problems.append(f"inputYaml: {err}")
    if input_yaml and (input_yaml.get("pipeline") or {}).get("identifier") != pid:
        problems.append("inputYaml names another pipeline")
    problems += check_expression_paths(json.dumps(trig))
    R.check(f"{file}: trigger {ident} fits pipeline {pid}", problems)
    if problems:
        return
    source = trig.get("source") or {}
    kind = (source.get("type"), (source.get("spec") or {}).get("type"))
    title = f"{file}: trigger {ident}"
    if kind == ("Scheduled", "Cron"):
        expr = ((source["spec"].get("spec") or {}).get("expression") or "")
        R.check(f"{title}: cron expression", [] if len(expr.split()) in (5, 6) else [f"{expr!r}"])
        variables, pre = runtime_variables(pipeline, refs, input_yaml, lambda v: Context(v))
        run_scenario(f"{title} (scheduled)", pipeline, variables, Context(variables), None, pre)
        return
    if kind != ("Webhook", "Custom"):
        R.check(f"{title}: a trigger type the examples use", [f"{kind} is not Custom webhook or Cron"])
        return
    provider = ((trig.get("tags") or {}).get("source_provider"))
    bodies = load_fixtures(provider)
    if not bodies:
        R.check(f"{title}: tags.source_provider names a provider with webhook bodies",
                [f"{provider!r} (known: {', '.join(sorted(PROVIDER_FIXTURES))}; fixtures in {FIXTURES})"])
        return
    spec = source["spec"].get("spec") or {}
    fired = 0
    # Each inputYaml variable taken from the body must find its field in some body that fires.
    from_body = {v.get("name") for v in ((input_yaml.get("pipeline") or {}).get("variables") or [])
                 if "<+trigger.payload" in str(v.get("value")) and v.get("name") != "payload"}
    found = set()
    for label, raw, body, headers in bodies:
        try:
            if not conditions_hold(spec, Context(body=body, raw=raw, headers=headers)):
                continue
        except ExprError as err:
            R.check(f"{title} on {label}: conditions", [str(err)])
            continue
        fired += 1
        variables, pre = runtime_variables(
            pipeline, refs, input_yaml, lambda v, body=body, raw=raw: Context(v, body, raw))
        found |= {n for n in from_body
                  if n in variables and "null" not in str(variables[n]["value"]).split("/")}
        run_scenario(f"{title} on {label}", pipeline, variables,
                     Context(variables, body, raw), explicit_checker(raw), pre)
    R.check(f"{title}: fires on some {provider} webhook body ({fired} of {len(bodies)})",
            [] if fired else ["its conditions hold for none"])
    not_pushes = read_fixture_folders(NOT_PUSH_FIXTURES, provider)
    try:
        wrongly = [label for label, raw, body, headers in not_pushes
                   if conditions_hold(spec, Context(body=body, raw=raw, headers=headers))]
    except ExprError as err:
        wrongly = [str(err)]
    R.check(f"{title}: fires on none of {len(not_pushes)} {provider} events that are not pushes",
            [f"fires on {w}" for w in wrongly])
    if fired and from_body:
        R.check(f"{title}: {', '.join(sorted(from_body))} found in the bodies it fires on",
                [f"{n} resolves to null on every body: no such field" for n in sorted(from_body - found)])


def replay_manual(ident, file, pipeline):
    """A manual run: with each input set of the pipeline (or none), the rest typed by hand."""
    sets = [i for (p, i) in input_sets if p == ident]
    for iid in sets or [None]:
        variables, pre = runtime_variables(pipeline, [iid] if iid else [], None, None)
        title = f"{file}: manual run" + (f" with input set {iid}" if iid else "")
        run_scenario(title, pipeline, variables, Context(variables), None, pre)


# ---- plugin.yml, docs, Dockerfile --------------------------------------------------------------

INDEX_LICENSES = {"None", "Apache License 2.0", "GNU General Public License v3.0",
                  "GNU Lesser General Public License v3.0", "MIT License",
                  "BSD 2-Clause 'Simplified' License", "BSD 3-Clause 'New' or 'Revised' License",
                  "Boost Software License 1.0", "Creative Commons Zero v1.0 Universal",
                  "Eclipse Public License 2.0", "GNU Affero General Public License v3.0",
                  "GNU General Public License v2.0", "GNU Lesser General Public License v2.1",
                  "Mozilla Public License 2.0", "The Unlicense"}
INDEX_KEYS = {"title", "author", "tags", "logo", "repo", "image", "license", "readme",
              "description", "example", "properties"}


def check_plugin_yml():
    path = os.path.join(ROOT, "plugin.yml")
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as err:
        R.check("plugin.yml is valid YAML", [str(err)])
        return
    R.check("plugin.yml is valid YAML", [] if isinstance(doc, dict) else ["not a mapping"])
    if not isinstance(doc, dict):
        return
    problems = [f"unknown key {k}" for k in doc if k not in INDEX_KEYS]
    problems += [f"missing {k}" for k in ("title", "author", "repo", "description") if not doc.get(k)]
    for k in ("repo", "image", "readme"):
        if k in doc and not re.match(r"https?://", str(doc[k])):
            problems.append(f"{k} is not a URL")
    if doc.get("license") not in INDEX_LICENSES:
        problems.append(f"license {doc.get('license')!r} is not one the index accepts")
    if "logo" in doc and not re.search(r"[\w-]+\.(svg|png)$", str(doc["logo"])):
        problems.append("logo is not a .svg or .png file name")
    R.check("plugin.yml follows the drone-plugin-index schema", problems)
    props = doc.get("properties") or {}
    problems = [f"{k}: not a setting the binary reads" for k in props if k not in SETTING_NAMES]
    problems += [f"{n}: missing" for n in SETTING_NAMES if n not in props]
    for k, p in props.items():
        if not isinstance(p, dict):
            problems.append(f"{k}: not a mapping")
            continue
        missing = [f for f in ("type", "defaultValue", "description", "secret", "required") if f not in p]
        extra = [f for f in p if f not in ("type", "defaultValue", "description", "secret", "required")]
        if missing or extra:
            problems.append(f"{k}: missing {missing} extra {extra}")
        if p.get("type") not in ("string", "number", "array", "boolean", "object"):
            problems.append(f"{k}: type {p.get('type')!r}")
        if bool(p.get("secret")) != k.endswith("_token"):
            problems.append(f"{k}: secret should be {k.endswith('_token')}")
    for name, required in SETTINGS:
        if name in props and required and props[name].get("required") is not True:
            problems.append(f"{name}: the binary requires it")
    R.check("plugin.yml properties are exactly the binary's settings", problems)
    try:
        example = yaml.safe_load(doc.get("example") or "")
    except yaml.YAMLError as err:
        R.check("plugin.yml example is valid YAML", [str(err)])
        return
    steps = [s for s in (example or {}).get("steps") or [] if str(s.get("image", "")).split(":")[0] == IMAGE]
    problems = [] if steps else [f"no step with image {IMAGE}"]
    for s in steps:
        problems += check_settings_keys(s, s.get("settings"))
    R.check("plugin.yml example's settings are all read by refmirror", problems)


def read_or_empty(path):
    try:
        return read(path)
    except OSError:
        return ""


def check_docs():
    text = read_or_empty("docs/plugin.md")
    problems = [f"setting {n} not described" for n in SETTING_NAMES if f"`{n}`" not in text]
    problems += [f"output {k} not described" for k in sorted(OUTPUT_KEYS) if k not in text]
    problems += [f"exit code {c} not described" for c in ("0", "1", "2", "3", "4", "64")
                 if not re.search(rf"\|\s*`?{c}`?\s*\|", text)]
    R.check("docs/plugin.md describes every setting, output and exit code", problems)
    docker = read_or_empty("Dockerfile")
    problems = []
    m = re.search(r"^ARG\s+VERSION=(\S+)", docker, re.M)
    if not m or m.group(1) != VERSION:
        problems.append(f"ARG VERSION default is {m and m.group(1)!r}, the binary says {VERSION!r}")
    if not re.search(r'^ENTRYPOINT\s+\["/refmirror"\]', docker, re.M):
        problems.append('no ENTRYPOINT ["/refmirror"]')
    if not re.search(r"^USER\s+\d+", docker, re.M):
        problems.append("no numeric USER")
    R.check("Dockerfile: version, entrypoint and user match", problems)


def token_scan():
    leaks = []
    for log, out in RUNS:
        for path in (log, out):
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    if TEST_TOKEN in f.read():
                        leaks.append(os.path.relpath(path, RUN_DIR))
    R.check(f"no token in any log or output of the binary ({len(RUNS)} runs)", leaks)


def main():
    R.check("the settings table is read from plugin/settings.c",
            [] if len(SETTINGS) >= 10 else [f"found {len(SETTINGS)} settings"])
    R.check("the outputs are read from plugin/*.c", [] if "MIRROR_RESULT" in OUTPUT_KEYS else ["none"])
    load_examples()
    for ident, (file, pipeline) in pipelines.items():
        check_pipeline_static(ident, file, pipeline)
    for (_, ident), (file, iset) in input_sets.items():
        check_input_set(ident, file, iset)
    check_two_way()
    for ident, (file, pipeline) in pipelines.items():
        replay_manual(ident, file, pipeline)
        check_run_steps(file, pipeline)
    for file, trig in triggers:
        replay_trigger(file, trig)
    check_plugin_yml()
    check_docs()
    token_scan()
    R.summary()
    return 1 if R.failed else 0


if __name__ == "__main__":
    sys.exit(main())
