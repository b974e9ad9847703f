#!/usr/bin/env python3
# Regenerates the committed corpus in testdata/hostile/ (run from that
# directory).  tests/e2e/hostile.sh generates the large and random inputs
# itself.
import json, os
W = lambda n, b: open(n, "wb").write(b if isinstance(b, bytes) else b.encode())

LONG = "x" * 5000
FIELDS_SVC = ["name", "access_provided_subnet", "dhcp_range_template",
              "dhcp_range", "container_image", "customer_id"]

def svc_all(val):
    """A service with val in every string field."""
    return {
        "name": val, "customer_id": val, "container_image": val,
        "access_provided_subnet": val, "dhcp_range_template": val,
        "env": {"K": val, "L": val},
        "image_sources": [{"arch": val, "image_reference": val,
                           "authn": {"registry_user": val, "registry_pw": val}}],
        "metadata": {"volumes": [{"source": val, "target": val}]},
        "network_config": {"wan_configure_network": val,
                           "lan_configure_network": val, "wan_network": val,
                           "access_interfaces": [{"name": val, "label": val}]},
    }

def dev_all(val):
    return {"id": val, "arch": val, "interfaces": [val, val],
            "client_networks": [{"name": val, "bridge": val, "subnet": val,
                                 "reserved": [val]}],
            "instances": [{"id": val, "service": val}]}

def fleet_all(val):
    return {"services": [svc_all(val)], "devices": [dev_all(val)]}

def dump(name, obj):
    W(name, json.dumps(obj, indent=1, ensure_ascii=False) + "\n")

dump("bad-long-strings.json", fleet_all(LONG))
dump("bad-control-chars.json", fleet_all("a\u0001b\u001b[31mred\u007f\u0000z"))
dump("bad-newlines-quotes.json", fleet_all("line1\nline2\r\n\"quoted\" 'single' `tick` $(rm -rf /) \\ ; # x"))
dump("bad-unicode.json", fleet_all("caf\u00e9-\u202egnp.exe-\ufeff-\U0001f600-\u0430"))
dump("bad-lone-surrogate.json", {"services": [{"name": "x"}]})
W("bad-lone-surrogate.json", '{"services": [{"name": "\\ud800x", "env": {"A": "\\udfff"}}]}\n')

# The same in YAML: every string field, with escapes YAML allows.
def yaml_q(s):
    return json.dumps(s, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars

def yaml_fleet(val):
    q = yaml_q(val)
    kq = q if len(q) < 1000 else "LONGKEY_" + "k" * 900  # libyaml: keys < 1024
    return f"""services:
  - name: {q}
    customer_id: {q}
    container_image: {q}
    access_provided_subnet: {q}
    dhcp_range_template: {q}
    dhcp_range: {q}
    env:
      K: {q}
      {kq}: x
    image_sources:
      - arch: {q}
        image_reference: {q}
        authn: {{ registry_user: {q}, registry_pw: {q} }}
    metadata:
      volumes: [ {{ source: {q}, target: {q} }} ]
    network_config:
      wan_configure_network: {q}
      lan_configure_network: {q}
      wan_network: {q}
      access_interfaces: [ {{ name: {q}, label: {q} }} ]
devices:
  - id: {q}
    arch: {q}
    interfaces: [{q}]
    gpsd: {{ port: {q} }}
    client_networks:
      - name: {q}
        bridge: {q}
        subnet: {q}
        reserved: [{q}]
    instances:
      - {{ id: {q}, service: {q} }}
"""
W("bad-long-strings.yaml", yaml_fleet(LONG))
W("bad-control-chars.yaml", yaml_fleet("a\u0001b\u001b[31mred\u007f\u0000z"))
W("bad-newlines-quotes.yaml", yaml_fleet("line1\nline2\r\n\"quoted\" 'single' `tick` $(rm -rf /) \\ ; # x"))
W("bad-unicode.yaml", yaml_fleet("caf\u00e9-\u202egnp.exe-\ufeff-\U0001f600"))

# Valid strings everywhere, but hostile to shells: must be accepted.
W("ok-shell-hostile-env.yaml", """services:
  - name: env-torture
    env:
      SQ: "it's"
      DQ: 'say "hi"'
      DOLLAR: "$HOME $(id) ${x:-y} `id`"
      BACKSLASH: "a\\\\b\\\\"
      NEWLINE: "one\\ntwo\\n"
      TAB: "a\\tb"
      CR: "a\\rb"
      GLOB: "*?[a]"
      EMPTY: ""
      UNICODE: "caf\u00e9 \U0001f600"
      SEMI: "; rm -rf / #"
      LONG: "%s"
""" % ("y" * 20000))

# Huge and odd numbers.
W("bad-huge-numbers.yaml", """services:
  - name: big
    access_provided_subnet: 10.0.0.1/4294967296
    dhcp_range_template: 10.0.0.1/99999999999999999999999999999999
    dhcp_range: 99999999999.0.0.1/8
    metadata: { memory_limit_mb: 999999999999999999999999999999999999 }
    env: { N: 1e999999, M: -0, H: 0x10, O: 0o17 }
  - name: neg
    metadata: { memory_limit_mb: -1 }
devices:
  - id: d1
    gpsd: { port: 99999999999999999999999999999999999999 }
  - id: d2
    gpsd: { port: -1 }
  - id: d3
    gpsd: { port: 1.5 }
  - id: d4
    gpsd: { port: 0 }
  - id: d5
    gpsd: { port: 65536 }
""")
W("bad-huge-numbers.json", """{"services": [{"name": "big",
  "metadata": {"memory_limit_mb": 1e400},
  "env": {"A": 123456789012345678901234567890, "B": -1.5e-999, "C": true, "D": null}}],
 "devices": [{"id": "d1", "gpsd": {"port": 18446744073709551617}},
             {"id": "d2", "gpsd": {"port": 2947.0}},
             {"id": 12345}]}
""")

# Deep nesting, 10000 levels, in each syntax.
W("bad-deep-nesting.json", "[" * 10000 + "]" * 10000 + "\n")
W("bad-deep-nesting-object.json", '{"services":' + '{"a":' * 10000 + "1" + "}" * 10000 + "}\n")
W("bad-deep-nesting.yaml", "services: " + "[" * 10000 + "]" * 10000 + "\n")
W("bad-deep-nesting-map.yaml", "services: " + "{a: " * 10000 + "1" + "}" * 10000 + "\n")
W("bad-deep-nesting.graphql", "mutation { DM_import_node_service(input: " + "{a: [" * 5000 + "1" + "]}" * 5000 + ") }\n")
W("bad-unclosed-nesting.json", "[" * 10000 + "\n")
W("bad-unclosed-nesting.yaml", "a: " + "[" * 10000 + "\n")

# Empty and near-empty files.
for ext in ("yaml", "json", "graphql"):
    W(f"empty.{ext}", "")
W("ok-whitespace-only.yaml", "   \n\n  \n")
W("bad-tab-only.yaml", "\t\n")
W("ok-comment-only.yaml", "# nothing here\n")
W("bad-whitespace-only.json", "  \n")
W("ok-bom.yaml", "\ufeffname: bom-service\n")
W("ok-crlf.yaml", "services:\r\n  - name: crlf\r\n    env: { A: b }\r\n")
W("bad-bom-junk.json", b"\xef\xbb\xbf\xef\xbb\xbf{}")

# YAML specials.
W("bad-billion-laughs.yaml", """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
services: *i
""")
W("bad-alias-cycle.yaml", "services: &x\n  - *x\n")
W("bad-undefined-alias.yaml", "services: *nope\n")
W("bad-tags.yaml", """services:
  - !!python/object:os.system name: x
  - name: !!binary aGVsbG8=
  - name: !custom x
""")
W("bad-multi-document.yaml", "services: []\n---\ndevices: []\n---\n")
W("bad-tabs.yaml", "services:\n\t- name: x\n")
W("bad-dup-keys.yaml", "services:\n  - name: a\n    name: b\ndevices: []\ndevices: []\n")
W("bad-merge-key.yaml", "base: &b { name: x }\nservices:\n  - <<: *b\n")
W("bad-invalid-utf8.yaml", b"services:\n  - name: \"\xff\xfe\xc0\xaf\xed\xa0\x80\"\n")
W("bad-invalid-utf8.json", b'{"services": [{"name": "\xff\xfe\xc0\xaf"}]}')
W("bad-nul-in-file.yaml", b"services:\n  - name: a\x00b\n")
W("bad-nul-in-file.json", b'{"services": [{"name": "a"}]}\x00junk')
W("bad-trailing-garbage.json", '{"services": []} {"devices": []}')
W("bad-trailing-comma.json", '{"services": [{"name": "a",},]}')
W("bad-nan.json", '{"services": [{"name": NaN}]}')
W("bad-wrong-types.yaml", """services: 5
devices:
  - 7
  - [1, 2]
  - id: [x]
    interfaces: eth0
    gpsd: true
    client_networks: { name: x }
    instances: [ { id: { a: 1 }, service: [] } ]
""")
W("bad-root-scalar.yaml", "just a string\n")
W("bad-root-list.json", "[1, 2, 3]\n")
W("bad-many-errors.yaml", "services:\n" + "".join(f"  - name: 'bad name {i}'\n    network_config: {{ lan_configure_network: dhcp, masquerade: true }}\n" for i in range(2000)))

# GraphQL.
W("bad-junk.graphql", "mutation { DM_import_node_service(input: { node_service_input: { name: \"x\" ) } }\n")
W("bad-unterminated-string.graphql", 'mutation { DM_import_node_service(input: { node_service_input: { name: "x\n')
W("bad-control-chars.graphql", 'mutation { DM_import_node_service(input: { customer_id: "c", node_service_input: { name: "a\\u0001b\\u0000", env: "x" } }) }\n')
W("ok-import.graphql", """mutation import_with_gpsd_access {
  DM_import_node_service(
    input: {
      customer_id: "TODO: insert your customer ID here"
      node_service_input: {
        container_image: "your-image"
        name: "your-service"
        access_gpsd_enabled: true
      }
      image_sources: [{arch: amd64, image_reference: "registry.example/your-image:latest"}]
    }
  )
}
""")
