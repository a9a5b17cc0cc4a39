-- The service's own folder: schemagen migrations generate writes here.
CREATE TABLE "auth"."accounts" ("id" uuid PRIMARY KEY, "email" text NOT NULL);
