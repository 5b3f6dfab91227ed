/**
 * Labelled text datasets for classification: readers for GLUE-style TSV, RFC 4180 CSV and JSONL
 * with strict, line-numbered error reporting ({@link dev.zoft.zo.data.DatasetReader}), ordered and
 * stratified helpers on {@link dev.zoft.zo.data.Dataset}, the bundled demo sentiment set and SST-2
 * ({@link dev.zoft.zo.data.Datasets}), and the Dirichlet(α) label partition over federated clients
 * ({@link dev.zoft.zo.data.DirichletPartition}).
 */
package dev.zoft.zo.data;
