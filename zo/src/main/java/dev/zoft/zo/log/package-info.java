/** The seed log: a finetuning run as its base model's identity plus every update, on disk with checksums. */
package dev.zoft.zo.log;
