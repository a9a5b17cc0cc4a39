CREATE TABLE "auth"."accounts" ("id" uuid PRIMARY KEY, "email" text NOT NULL);
