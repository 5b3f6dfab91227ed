/**
 * Tasks for ZO finetuning: a text classifier over an encoder without an MLM head (sentence
 * embedding + cosine head started from label prompts), its trainable-parameter subsets, batches
 * and evaluation.
 */
package dev.zoft.zo.task;
