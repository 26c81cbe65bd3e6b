import { schema, type JsonSchema as Schema } from '../kit/index.js';

/**
 * JSON Schemas of the records. Entities are QuickBooks' own objects at minor version 75: the fields worth a
 * typed column are listed and `additionalProperties` stays open, because Intuit adds fields without a new
 * minor version. Report rows are Tributary's flattening (see `report-rows.ts`).
 */
const { string, number, integer, boolean, date, dateTime, nullable, object, arrayOf, oneOf } = schema;

/** `{ value, name }`: how QuickBooks points at another entity. */
const ref = object({ value: string, name: string }, ['value']);
const metaData = object({ CreateTime: dateTime, LastUpdatedTime: dateTime }, ['LastUpdatedTime']);
const address = object({ Id: string, Line1: string, Line2: string, City: string, CountrySubDivisionCode: string, PostalCode: string, Country: string });
const email = object({ Address: string });

const line = object(
  {
    Id: string,
    LineNum: integer,
    Description: string,
    Amount: number,
    DetailType: string,
    SalesItemLineDetail: object({ ItemRef: ref, UnitPrice: number, Qty: number, TaxCodeRef: ref }),
  },
  ['DetailType'],
);

export const invoiceSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'QuickBooks invoice',
  ...object(
    {
      Id: string,
      SyncToken: string,
      domain: string,
      MetaData: metaData,
      DocNumber: string,
      TxnDate: date,
      DueDate: date,
      CustomerRef: ref,
      CurrencyRef: ref,
      SalesTermRef: ref,
      Line: arrayOf(line),
      LinkedTxn: arrayOf(object({ TxnId: string, TxnType: string })),
      TxnTaxDetail: object({ TotalTax: number }),
      BillAddr: address,
      ShipAddr: address,
      BillEmail: email,
      TotalAmt: number,
      Balance: number,
      PrintStatus: string,
      EmailStatus: string,
      PrivateNote: string,
      CustomerMemo: object({ value: string }),
      CustomField: { type: 'array' },
    },
    ['Id', 'MetaData', 'TxnDate', 'CustomerRef', 'TotalAmt'],
  ),
};

export const customerSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'QuickBooks customer',
  ...object(
    {
      Id: string,
      SyncToken: string,
      domain: string,
      MetaData: metaData,
      DisplayName: string,
      GivenName: string,
      FamilyName: string,
      CompanyName: string,
      FullyQualifiedName: string,
      PrintOnCheckName: string,
      Active: boolean,
      Taxable: boolean,
      Job: boolean,
      IsProject: boolean,
      BillWithParent: boolean,
      ParentRef: ref,
      Balance: number,
      BalanceWithJobs: number,
      CurrencyRef: ref,
      PreferredDeliveryMethod: string,
      PrimaryEmailAddr: email,
      PrimaryPhone: object({ FreeFormNumber: string }),
      BillAddr: address,
      ShipAddr: address,
      Notes: string,
    },
    ['Id', 'MetaData', 'DisplayName', 'Active'],
  ),
};

const reportRow = (title: string): Schema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title,
  ...object(
    {
      report: { type: 'string', description: 'ReportName from the report header' },
      period_start: { ...date, description: 'First day of the period column' },
      period_end: { ...date, description: 'Last day of the period column' },
      row_path: { type: 'string', description: 'Section groups, then account Ids (#id) or labels, joined with /; a section total ends in /Total' },
      row_type: oneOf(['Data', 'Summary']),
      label: string,
      account_id: nullable(string),
      group: nullable(string),
      depth: integer,
      amount: nullable(number),
      currency: nullable(string),
      accounting_method: nullable(string),
    },
    ['report', 'period_start', 'period_end', 'row_path', 'row_type', 'label', 'amount'],
  ),
});

export const profitAndLossSchema = reportRow('QuickBooks profit and loss row');
export const balanceSheetSchema = reportRow('QuickBooks balance sheet row');
