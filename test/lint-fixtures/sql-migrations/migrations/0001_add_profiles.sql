ALTER TABLE auth.accounts ADD COLUMN nickname text;
CREATE TABLE IF NOT EXISTS profiles (account_id uuid, bio text);
