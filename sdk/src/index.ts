/** @pod-lab/pod: the resource classes (generated from the providers' schemas) and their types. */
export * from "./generated";
