-- A connection that stages or validates names the staging database's relations alone.
use staging
