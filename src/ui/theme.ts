// Colours come only from here; with NO_COLOR every one is undefined and Ink draws plain text.
const noColor = 'NO_COLOR' in process.env && process.env.NO_COLOR !== '';

function c(name: string): string | undefined {
  return noColor ? undefined : name;
}

export const theme = {
  accent: c('cyan'),
  ok: c('green'),
  warn: c('yellow'),
  error: c('red'),
  dim: c('gray'),
  noColor,
};
