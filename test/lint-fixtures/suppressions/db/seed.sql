-- schemagen-lint-ignore sql-create-table: scratch rows for the seed script, dropped at its end
CREATE TABLE seed_scratch (id int);

CREATE TABLE seed_log (line text); -- schemagen-lint-ignore sql-create-table: the seed script's own log

/* schemagen-lint-ignore sql-create-table */
CREATE TABLE unexplained (id int);

SELECT '-- schemagen-lint-ignore sql-create-table: in a string' AS not_a_comment;
