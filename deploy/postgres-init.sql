-- Temporal keeps its own databases next to the application's (auto-setup creates the schemas).
CREATE DATABASE temporal OWNER coord;
CREATE DATABASE temporal_visibility OWNER coord;
