#!/usr/bin/env python3
"""Checks schema/edgenetc-input.schema.json against the compiler.

    schema_check.py EDGENETC SCHEMA FRONT_MAP_C FILE...

1. The schema is valid JSON Schema draft 2020-12.
2. Its objects have exactly the keys of the mapper's key tables
   (FRONT_MAP_C: `static const struct keydef NAME[] = {...}`), with a
   matching type per field kind: a key added to the mapper and not to
   the schema, or a new table, fails here.
3. Every FILE (YAML or JSON) is linted with EDGENETC:
   - lint accepts it (exit 0): the schema must accept it;
   - lint reports an error that is a schema-level one (unknown key,
     wrong type, bad enum value, out of range, ...): the schema must
     reject it;
   - anything else (errors only a fleet-wide check can find, syntax the
     YAML loader here does not read as libyaml does): not compared.
   A file of testdata/schema/ must be compared: bad-* rejected by both,
   ok-* accepted by both.
Prints one line per file and exits 1 on any disagreement.
"""
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

# lint codes a schema can see: the shape of one document.
SCHEMA_CODES = {
    "unknown-key", "wrong-type", "bad-enum", "out-of-range",
    "misplaced-key", "bad-root", "missing-node-service-input",
    "invalid-arch", "template-and-range", "too-many-access-interfaces",
    "invalid-env-key",
}

# mapper table -> schema $defs objects that hold its keys
TABLES = {
    "access_if_keys": ["accessInterface"],
    "netcfg_keys": ["networkConfig"],
    "authn_keys": ["authn"],
    "image_keys": ["imageSource"],
    "volume_keys": ["volume"],
    "metadata_keys": ["metadata"],
    "service_keys": ["service"],
    "import_keys": ["importInput"],
    "gpsd_keys": ["gpsd"],
    "net_keys": ["clientNetwork"],
    "inst_keys": ["instance"],
    "device_keys": ["device"],
    "fleet_keys": ["fleet"],
}

# field kind -> JSON types the schema must allow (null: an empty
# object or list)
KIND_TYPES = {
    "FK_STR": {"string"}, "FK_WORD": {"string"}, "FK_ADDR": {"string"},
    "FK_BOOL": {"boolean"}, "FK_MODE": {"string"}, "FK_INT": {"integer"},
    "FK_ENV": {"object", "null"}, "FK_STRLIST": {"array", "null"},
    "FK_RANGES": {"array", "null"}, "FK_LIST": {"array", "null"},
    "FK_SUB": {"object", "null"}, "FK_NSI": {"object"},
}


class CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core scalars, as compiler/front_yaml.c reads them
    (PyYAML's 1.1 yes/no/on/off, octal, dates are plain strings)."""


    def compose_node(self, parent, index):
        # front_yaml refuses aliases (and so a billion laughs)
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("alias")
        return super().compose_node(parent, index)


CoreLoader.yaml_implicit_resolvers = {}
for tag, rx, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$",
     ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$",
     list("tTfF")),
    ("tag:yaml.org,2002:int", r"^-?(?:0|[1-9][0-9]*)$",
     list("-0123456789")),
]:
    CoreLoader.add_implicit_resolver(tag, re.compile(rx), first)


def schema_types(node, defs):
    """The JSON types a schema node allows (following $ref)."""
    while "$ref" in node and "type" not in node:
        node = defs[node["$ref"].split("/")[-1]]
    t = node.get("type")
    if t is None:
        return None
    return {t} if isinstance(t, str) else set(t)


def schema_keys(name, defs):
    """Keys (and their schema nodes) of a $defs object, through $ref."""
    node = defs[name]
    props = dict(node.get("properties", {}))
    if "$ref" in node:
        props.update(schema_keys(node["$ref"].split("/")[-1], defs))
    return props


def check_tables(src, defs):
    bad = 0
    text = open(src, encoding="utf-8").read()
    tables = {}
    for m in re.finditer(
            r"static const struct keydef (\w+)\[\] = \{(.*?)\n\};", text,
            re.S):
        keys = re.findall(r'\{\s*"(\w+)",\s*(FK_\w+),[^}]*?(KF_TOP)?\s*\}',
                          m.group(2))
        tables[m.group(1)] = keys
    m = re.search(r"static const char \*const fleet_keys\[\] = \{([^}]*)\}",
                  text)
    if m:
        tables["fleet_keys"] = [(k, "FK_LIST", "")
                                for k in re.findall(r'"(\w+)"', m.group(1))]
    if len(tables) < 10:
        print("FAIL: found only %d key tables in %s: has the mapper "
              "changed shape?" % (len(tables), src))
        return 1
    for table, keys in sorted(tables.items()):
        if table not in TABLES:
            print("FAIL: mapper table %s has no schema object (add it to "
                  "the schema and to TABLES here)" % table)
            bad += 1
            continue
        for obj in TABLES[table]:
            props = schema_keys(obj, defs)
            want = {k for k, _, _ in keys}
            for k in sorted(want - set(props)):
                print("FAIL: key '%s' of mapper table %s is missing in "
                      "schema object %s" % (k, table, obj))
                bad += 1
            for k in sorted(set(props) - want):
                print("FAIL: schema object %s has key '%s' the mapper "
                      "(%s) does not know" % (obj, k, table))
                bad += 1
            for k, kind, _ in keys:
                if k not in props:
                    continue
                got = schema_types(props[k], defs)
                if got is None or not got <= KIND_TYPES[kind] or \
                        not (KIND_TYPES[kind] - {"null"}) <= got:
                    print("FAIL: %s.%s: schema types %s, mapper kind %s" %
                          (obj, k, sorted(got or []), kind))
                    bad += 1
    # node_service_input refuses the import-level keys
    nsi = set(schema_keys("nodeServiceInput", defs))
    for k, _, top in tables.get("service_keys", []):
        if top and k in nsi:
            print("FAIL: nodeServiceInput accepts import-level key %s" % k)
            bad += 1
    n = sum(len(v) for v in tables.values())
    print("ok  %d mapper tables, %d keys: the schema has each, with its "
          "type" % (len(tables), n))
    return bad


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".json"):
        return json.loads(raw.decode("utf-8"))
    docs = list(yaml.load_all(raw.decode("utf-8-sig"), Loader=CoreLoader))
    if len(docs) != 1:
        raise ValueError("not one document")
    return docs[0]


def main():
    edgenetc, schema_path, front_map = sys.argv[1:4]
    files = sys.argv[4:]
    schema = json.load(open(schema_path, encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    print("ok  %s is valid draft 2020-12" % schema_path)
    v = jsonschema.Draft202012Validator(schema)
    bad = check_tables(front_map, schema["$defs"])
    n_ok = n_rej = n_skip = 0
    for f in files:
        verdict = check_file(edgenetc, v, f)
        if verdict == "fail":
            bad += 1
        elif verdict == "accept":
            n_ok += 1
        elif verdict == "reject":
            n_rej += 1
        else:
            n_skip += 1
        base = os.path.basename(f)
        if os.path.basename(os.path.dirname(f)) == "schema" and \
                verdict != "fail":
            want = {"bad": "reject", "ok": "accept"}.get(base.split("-")[0])
            if want is not None and verdict != want:
                print("FAIL: %s: want both to %s it, got: %s" %
                      (f, want, verdict))
                bad += 1
    print("ok  %d files lint and the schema accept, %d both reject at "
          "schema level, %d not compared" % (n_ok, n_rej, n_skip))
    if n_ok == 0 or n_rej == 0:
        print("FAIL: nothing compared on one side")
        bad += 1
    return 1 if bad else 0


def check_file(edgenetc, v, f):
    """accept, reject (both), skip (not compared) or fail."""
    r = subprocess.run([edgenetc, "lint", "--format", "json", f],
                       capture_output=True, text=True)
    if r.returncode == 2:
        return "skip"
    diags = json.loads(r.stdout or "[]")
    codes = {d["code"] for d in diags if d["severity"] == "error"}
    if r.returncode != 0 and not codes & SCHEMA_CODES:
        return "skip"  # before loading: alias bombs are rejected here
    try:
        doc = load(f)
    except Exception:
        return "skip"
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    if r.returncode == 0:
        if errs:
            print("FAIL: %s: lint accepts it, the schema does not: "
                  "%s at %s" % (f, errs[0].message,
                               "/".join(map(str, errs[0].path))))
            return "fail"
        return "accept"
    if codes & SCHEMA_CODES:
        if not errs:
            print("FAIL: %s: lint rejects it (%s), the schema accepts "
                  "it" % (f, ", ".join(sorted(codes & SCHEMA_CODES))))
            return "fail"
    return "reject"


if __name__ == "__main__":
    sys.exit(main())
