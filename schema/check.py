#!/usr/bin/env python3
"""Checks the JSON Schemas against real documents with a real JSON Schema validator.

- every examples/*.yaml and every good manifest in Tests/KlineSyncCoreTests/Fixtures/good/ must validate against
  schema/manifest.schema.json;
- every bad manifest in Tests/KlineSyncCoreTests/Fixtures/bad/ must get the verdict its `# schema:` line states
  (reject, or accept when only the loader can see the problem, such as an unset environment variable);
- any JSON documents named with --plan / --report must validate against the plan / report schemas.
Exits 1 on any disagreement. Prints 'N passed, N failed'.
"""
import glob, json, os, sys
import yaml
from jsonschema import Draft202012Validator

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

class StringDates(yaml.SafeLoader):
    """YAML loader that keeps dates and times as strings, as klinesync reads them."""
StringDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}

def load_schema(name):
    with open(os.path.join(root, "schema", name)) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)

passed = failed = 0
def verdict(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)

manifest = load_schema("manifest.schema.json")
good = sorted(glob.glob(os.path.join(root, "Tests", "KlineSyncCoreTests", "Fixtures", "good", "*.yaml")))
if not good:
    verdict(False, "no good manifests in Tests/KlineSyncCoreTests/Fixtures/good/")
for path in sorted(glob.glob(os.path.join(root, "examples", "*.yaml"))) + good:
    with open(path) as f:
        doc = yaml.load(f, Loader=StringDates)
    errors = list(manifest.iter_errors(doc))
    verdict(not errors, f"{path}: {[e.message for e in errors]}")

for path in sorted(glob.glob(os.path.join(root, "Tests", "KlineSyncCoreTests", "Fixtures", "bad", "*.yaml"))):
    with open(path, "rb") as f:
        raw = f.read()
    # Some bad manifests hold bytes that are not UTF-8 on purpose: a validator must reject them as not YAML.
    text = raw.decode("utf-8", errors="replace")
    expected = [l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("# schema:")]
    if not expected:
        verdict(False, f"{path}: no '# schema:' line")
        continue
    try:
        doc = yaml.load(raw.decode("utf-8"), Loader=StringDates)
        rejected = bool(list(manifest.iter_errors(doc)))
    except (yaml.YAMLError, UnicodeDecodeError):
        rejected = True
    verdict(rejected == (expected[0] == "reject"), f"{path}: schema {'rejects' if rejected else 'accepts'}, expected {expected[0]}")

args = sys.argv[1:]
for flag, name in (("--plan", "plan.schema.json"), ("--report", "report.schema.json")):
    files = [args[i + 1] for i, a in enumerate(args) if a == flag and i + 1 < len(args)]
    if not files:
        continue
    validator = load_schema(name)
    for path in files:
        with open(path) as f:
            doc = json.load(f)
        errors = list(validator.iter_errors(doc))
        verdict(not errors, f"{path}: {[e.message for e in errors][:5]}")

print(f"schema: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
