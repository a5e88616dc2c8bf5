/** One section of README.md (from its "## " heading to the next) and its fenced code blocks, in order. */
export interface ReadmeSection {
  text: string;
  blocks(lang: string): string[];
}

export function readmeSection(readme: string, heading: string): ReadmeSection {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf("\n## ", start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return {
    text,
    blocks: (lang) =>
      [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === lang).map((m) => m[2] ?? ""),
  };
}
