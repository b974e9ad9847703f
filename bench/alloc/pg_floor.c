/*
 * pg_floor.c - the commit-bound floor of one allocation per call on
 * PostgreSQL (bench/alloc/pg.sh): a process that connects, runs one
 * statement (an INSERT under the same kind of exclusion constraint as
 * the ledger's), commits and exits.  Nothing edgenetc does can take less
 * per call.
 *
 *   pg_floor URL SQL
 */
#include <stdio.h>

#include <libpq-fe.h>

int
main(int argc, char **argv)
{
	PGconn *c;
	PGresult *r;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: pg_floor URL SQL\n");
		return 2;
	}
	c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_floor: %s", PQerrorMessage(c));
		PQfinish(c);
		return 1;
	}
	r = PQexec(c, argv[2]);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : 1;
	if (rc != 0)
		fprintf(stderr, "pg_floor: %s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	return rc;
}
