CREATE TABLE profiles (bio text);
