// Package erp reads the stock extracts that jewelry ERPs (Bijou3, Cestia, M3Soft,
// 4D) and any other source (the generic profile) drop for ecrin, and turns them into a
// stream of Records.
//
// Each ERP profile lives in its own folder and registers itself here (see Register);
// import erp/all to get every built-in profile. Decoding — encodings, BOMs, decimal
// separators, money in integer cents, line ends — is done once, in this package, and
// shared by the profiles.
//
// The profiles share three cores: TextReader (delimited text: Bijou3, M3Soft, 4D,
// generic CSV/TSV), SheetReader (XLSX read part by part as streams with archive/zip
// and encoding/xml, every part's size and CRC checked: Cestia, generic XLSX) and
// XMLReader (generic supplier feeds). A Mapper turns a row's fields
// into a Record the same way for all of them. ReadAll collects a small extract;
// package erp/inspect summarises one for "ecrin inspect"; erp/erpgen generates
// realistic extracts and the matching catalog.
//
// A reader never panics and never guesses silently: a row it cannot read is a row
// Problem (the row is skipped and reported with its file and line, or sheet!cell); a
// file it must refuse returns a *FileError, and the whole extract is then refused:
// a cut or damaged file is refused, never read in part. A file of the wrong kind (a
// workbook for a text profile, an encrypted workbook, .xlsb, .ods, UTF-16 without a
// byte-order mark) is named by its first bytes. No input makes a reader use more
// than 256 MB: fields, XML tokens and nesting, shared strings and every workbook
// part are capped, and reads stop soon after their context is cancelled.
package erp
