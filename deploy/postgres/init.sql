-- Runs once, when the PostgreSQL container first initializes its data directory, as POSTGRES_USER
-- (mailgate), who then owns these databases. One database per tenant (the gateway migrates it on
-- first use) and one coordination database that every gateway node shares.
CREATE DATABASE mailgate_coordination;
CREATE DATABASE mailgate_example;
