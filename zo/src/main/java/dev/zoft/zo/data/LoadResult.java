package dev.zoft.zo.data;

/** A loaded dataset and the report of its load. */
public record LoadResult(Dataset dataset, LoadReport report) {
}
