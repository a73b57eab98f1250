-- jixiao output tables, schema version 2: typed views over the Parquet dataset of this folder.
-- Run from the output folder (duckdb -init load.sql), or SET file_search_path to it first.

CREATE OR REPLACE VIEW documents AS SELECT * FROM read_parquet('parquet/documents/*.parquet');
CREATE OR REPLACE VIEW projects AS SELECT * FROM read_parquet('parquet/projects/*.parquet');
CREATE OR REPLACE VIEW indicators AS SELECT * FROM read_parquet('parquet/indicators/*.parquet');
CREATE OR REPLACE VIEW sub_goals AS SELECT * FROM read_parquet('parquet/sub_goals/*.parquet');
CREATE OR REPLACE VIEW safeguards AS SELECT * FROM read_parquet('parquet/safeguards/*.parquet');
CREATE OR REPLACE VIEW warnings AS SELECT * FROM read_parquet('parquet/warnings/*.parquet');

CREATE OR REPLACE VIEW texts AS
WITH ranked AS (
  SELECT doc_id, text_key, department, year, source_format, warning_count,
    row_number() OVER (PARTITION BY text_key ORDER BY warning_count, CASE source_format WHEN 'docx' THEN 1 WHEN 'pdf' THEN 2 WHEN 'txt' THEN 3 WHEN 'image' THEN 4 ELSE 5 END, doc_id) AS rendition_rank
  FROM documents
)
SELECT text_key,
  any_value(doc_id) FILTER (WHERE rendition_rank = 1) AS doc_id,
  any_value(department) FILTER (WHERE rendition_rank = 1) AS department,
  any_value(year) FILTER (WHERE rendition_rank = 1) AS year,
  any_value(source_format) FILTER (WHERE rendition_rank = 1) AS source_format,
  any_value(warning_count) FILTER (WHERE rendition_rank = 1) AS warning_count,
  CAST(count(*) AS INTEGER) AS renditions,
  coalesce(list(doc_id ORDER BY rendition_rank) FILTER (WHERE rendition_rank > 1), []::VARCHAR[]) AS other_doc_ids
FROM ranked
GROUP BY text_key;
