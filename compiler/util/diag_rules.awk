# diag_rules.awk - docs/diagnostics.md into the C table of diagnostic
# codes (struct diag_rule, diag.h) that SARIF output lists as rules.
# Each code is a "### `code`" heading followed by a paragraph
# "stage, severity. Meaning ..."; the first sentence of the meaning is
# the short description, the paragraph the full one.
function cstr(s,    o, i, c) {
	o = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		o = o (c == "\\" || c == "\"" ? "\\" : "") c
	}
	return "\"" o "\""
}
function flush() {
	if (code == "")
		return
	sev = para
	sub(/\..*/, "", sev)
	level = sev ~ /warning/ && sev !~ /error/ ? "warning" : "error"
	full = para
	sub(/^[^.]*\. /, "", full)
	short = full
	if (match(short, /\. /))
		short = substr(short, 1, RSTART)
	printf "\t{ %s, %s, %s,\n\t  %s,\n\t  %s },\n", cstr(code), \
	    cstr(level), sev ~ /warning/ ? "true" : "false", cstr(short), \
	    cstr(full)
	code = ""
}
BEGIN {
	print "/* generated from docs/diagnostics.md by diag_rules.awk */"
	print "#include \"diag.h\""
	print "const struct diag_rule diag_rules[] = {"
}
/^### `[a-z0-9-]+`$/ {
	flush()
	code = $0
	gsub(/^### `|`$/, "", code)
	para = ""
	inpara = 1
	next
}
/^#/ { flush(); inpara = 0; next }
inpara && /^$/ { if (para != "") { flush(); inpara = 0 } ; next }
inpara { para = para (para == "" ? "" : " ") $0 }
END {
	flush()
	print "};"
	print "const size_t diag_n_rules = sizeof(diag_rules) / sizeof(diag_rules[0]);"
}
