#!/usr/bin/env python3
"""sarif_check.py SCHEMA FILE...: each FILE is SARIF that validates against
SCHEMA (JSON schema draft 4) and holds what edgenetc promises: one run,
every rule with short and full description and helpUri, every result's
ruleId a rule (ruleIndex pointing at it), a region with start and end,
related locations with a message, and a partial fingerprint."""
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft4Validator(schema)
bad = 0
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path))
    except ValueError as e:
        print("%s: not JSON: %s" % (path, e)); bad += 1; continue
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        print("%s: %s at %s" % (path, e.message, "/".join(map(str, e.path))))
    bad += bool(errs)
    def need(cond, what):
        global bad
        if not cond:
            print("%s: %s" % (path, what)); bad += 1
    need(len(doc.get("runs", [])) == 1, "not one run")
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    for r in rules:
        need(r["shortDescription"]["text"] and r["fullDescription"]["text"]
             and "#" + r["id"] in r["helpUri"], "rule %s incomplete" % r["id"])
    for res in run["results"]:
        rid = res.get("ruleId")
        need(rid in ids, "ruleId %r is not a rule" % rid)
        if rid in ids:
            need(res.get("ruleIndex") == ids.index(rid), "ruleIndex of %s" % rid)
        need(res["partialFingerprints"], "no fingerprint")
        for loc in res.get("locations", []):
            reg = loc["physicalLocation"].get("region")
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            need(not uri.startswith("/"), "absolute uri %s" % uri)
            if reg is not None and "startColumn" in reg:
                need(reg["endLine"] >= reg["startLine"] and
                     reg["endColumn"] > reg["startColumn"], "bad region %r" % reg)
        for rel in res.get("relatedLocations", []):
            need(rel["message"]["text"], "related location without message")
sys.exit(1 if bad else 0)
