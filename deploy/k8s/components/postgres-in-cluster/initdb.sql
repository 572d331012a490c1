-- One database per service, owned by the microreach role (created by the
-- image from POSTGRES_USER). Runs once, when the data directory is empty.
-- docker-compose.yml mounts this same file.
CREATE DATABASE search OWNER microreach;
CREATE DATABASE outreach OWNER microreach;
CREATE DATABASE campaign OWNER microreach;
