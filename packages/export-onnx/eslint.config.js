export { default } from '@parvus/eslint-config';
