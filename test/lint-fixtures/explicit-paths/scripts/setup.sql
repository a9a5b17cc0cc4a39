CREATE TABLE setup_marker (x int);
