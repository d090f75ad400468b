-- 003: covering indexes for the API's filtered pages and counts. Each starts with a column people filter
-- on, then the date and id the pages are ordered by, then the other common filter columns, so that a
-- count or a filter on those columns is answered from the index alone, without reading the rows (at one
-- million events a two-filter count went from ~400 ms to tens of ms, see bench/bench_api.py).
-- They replace the indexes of 001 and 002 that are their prefixes, except events_country: the narrowest
-- index on country, it counts a country's events fastest (~4x fewer pages than a covering one).
DROP INDEX events_date;
DROP INDEX events_type;
DROP INDEX events_date_id;
DROP INDEX events_country_date;
DROP INDEX events_type_date;
DROP INDEX events_actor1;
DROP INDEX events_actor2;
-- the incident matcher's candidates: one index range per precision class (SQLStore._candidates)
CREATE INDEX events_for_matching ON events(country, disorder_type, time_precision, event_date);
-- incident -> its report ids without reading the report rows (exports list them for every incident)
DROP INDEX events_incident;
CREATE INDEX events_by_incident ON events(incident_id, event_id);
CREATE INDEX events_by_date ON events(event_date, event_id, country, event_type, fatalities);
CREATE INDEX events_by_country ON events(country, event_date, event_id, event_type, sub_event_type, fatalities, actor1, actor2);
CREATE INDEX events_by_country_type ON events(country, event_type, event_date, event_id, fatalities);
CREATE INDEX events_by_type ON events(event_type, event_date, event_id, country, sub_event_type, fatalities);
CREATE INDEX events_by_actor1 ON events(actor1, event_date, event_id, country, event_type, fatalities);
CREATE INDEX events_by_actor2 ON events(actor2, event_date, event_id, country, event_type, fatalities);

DROP INDEX incidents_date;
DROP INDEX incidents_country_date;
DROP INDEX incidents_type_date;
DROP INDEX incidents_actor1;
CREATE INDEX incidents_by_date ON incidents(event_date, incident_id, country, event_type, fatalities);
CREATE INDEX incidents_by_country ON incidents(country, event_date, incident_id, event_type, sub_event_type, fatalities, actor1, actor2);
CREATE INDEX incidents_by_country_type ON incidents(country, event_type, event_date, incident_id, fatalities);
CREATE INDEX incidents_by_type ON incidents(event_type, event_date, incident_id, country, sub_event_type, fatalities);
CREATE INDEX incidents_by_actor1 ON incidents(actor1, event_date, incident_id, country, event_type, fatalities);
CREATE INDEX incidents_by_actor2 ON incidents(actor2, event_date, incident_id, country, event_type, fatalities);
