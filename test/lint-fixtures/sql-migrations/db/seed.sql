-- CREATE TABLE in_a_comment (x int);
/* nested /* CREATE TABLE still_a_comment (x int); */ CREATE TABLE still_in_it (x int); */
INSERT INTO notes VALUES ('CREATE TABLE in_a_string (x int)', E'it\'s CREATE TABLE escaped');
DO $body$ BEGIN EXECUTE 'x'; END $body$; SELECT $$CREATE TABLE dollar_quoted (x int)$$;
CREATE TEMPORARY TABLE scratch (x int);
CREATE UNLOGGED TABLE "public"."Audit ""log""" (x int);
