/**
 * One Parquet file of an analysis table (tables.ts), with hyparquet-writer: typed columns
 * (strings, DOUBLE numbers, money as INT64 DECIMAL(18,4) from its exact digits, INT32 years and
 * sequence numbers, BOOLEAN, LIST of strings), written in row groups as documents stream in, so
 * memory stays flat with the number of documents. Written to a temporary file and renamed into
 * place when complete; the schema version is in the file's key-value metadata.
 */
import { rename, rm } from 'node:fs/promises';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { MONEY_PRECISION, MONEY_SCALE, unscaledMoney } from '../money.js';
import { VERSION } from '../version.js';
import { tempName } from './atomic.js';
import { type Cell, type Column, SCHEMA_VERSION, type TableView } from './tables.js';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** Rows buffered before a row group is written. */
const ROW_GROUP = 10_000;

function schemaOf(columns: readonly Column[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const col of columns) {
    switch (col.type) {
      case 'string':
        out.push({ name: col.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
        break;
      case 'double':
        out.push({ name: col.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });
        break;
      case 'decimal':
        out.push({ name: col.name, type: 'INT64', converted_type: 'DECIMAL', precision: MONEY_PRECISION, scale: MONEY_SCALE, repetition_type: 'OPTIONAL' });
        break;
      case 'int':
        out.push({ name: col.name, type: 'INT32', repetition_type: 'OPTIONAL' });
        break;
      case 'bool':
        out.push({ name: col.name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' });
        break;
      case 'string[]':
        out.push(
          { name: col.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        );
        break;
    }
  }
  return out;
}

/** One table as a Parquet file, fed row by row. */
export class ParquetSink {
  private readonly tmp: string;
  private readonly writer: ParquetWriter;
  private rows: Cell[][] = [];
  /** Money columns: their digits become the exact unscaled integer (never through a float). */
  private readonly decimals: number[];

  constructor(
    private readonly view: Pick<TableView, 'columns'>,
    private readonly target: string,
  ) {
    this.tmp = tempName(target);
    this.writer = new ParquetWriter({
      writer: fileWriter(this.tmp),
      schema: schemaOf(view.columns),
      createdBy: `jixiao ${VERSION}`,
      kvMetadata: [{ key: 'jixiao.schema_version', value: String(SCHEMA_VERSION) }],
    });
    this.decimals = view.columns.flatMap((c, i) => (c.type === 'decimal' ? [i] : []));
  }

  async write(row: Cell[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= ROW_GROUP) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const columnData = this.view.columns.map((col, i) => ({
      name: col.name,
      data: this.decimals.includes(i) ? this.rows.map((r) => (r[i] == null ? null : unscaledMoney(String(r[i])))) : this.rows.map((r) => r[i] ?? null),
    }));
    await this.writer.write({ columnData: columnData as never, rowGroupSize: this.rows.length });
    this.rows = [];
  }

  async commit(): Promise<void> {
    await this.flush();
    await this.writer.finish();
    await rename(this.tmp, this.target);
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { force: true });
  }
}
